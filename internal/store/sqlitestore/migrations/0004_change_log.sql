-- 0004: the data version and the change log (c2c.ChangeLog). Every write
-- transaction bumps c2c_meta.version and appends its change, in the same
-- transaction; a process keeping the graph in memory polls the version and
-- re-reads only the ids of the changes it has not applied. The log keeps
-- the latest entries: floor is the oldest version a reader may ask the
-- changes after (older ones were pruned), so every change after floor is
-- kept.

CREATE TABLE c2c_meta (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL,
    floor   INTEGER NOT NULL
);
INSERT INTO c2c_meta (id, version, floor) VALUES (1, 0, 0);

CREATE TABLE changes (
    version     INTEGER PRIMARY KEY,
    actors      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(actors)),
    exchanges   TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(exchanges)),
    memberships TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(memberships)),
    themes      INTEGER NOT NULL DEFAULT 0
);
