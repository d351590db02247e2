-- 0002: walking the graph (neighbourhoods, partners, paths) reads the other
-- end of every exchange touching a set of actors. With the ends indexed as
-- pairs the walk reads the index alone, not one table row per exchange.
-- The pair indexes serve every lookup the single-column ones did.

CREATE INDEX exchanges_source_target ON exchanges (source_id, target_id);
CREATE INDEX exchanges_target_source ON exchanges (target_id, source_id);
DROP INDEX exchanges_source;
DROP INDEX exchanges_target;
