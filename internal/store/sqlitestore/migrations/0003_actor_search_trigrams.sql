-- 0003: a trigram index of the actors' search keys. Search tested every
-- actor's names (instr over the whole table); with the index, a search of
-- three characters or more reads only the actors whose names hold all of
-- its trigrams, and the exact test runs on those alone. The index follows
-- the actors table through triggers (inserts, upserts, renames, deletes).

CREATE VIRTUAL TABLE actor_search USING fts5(
    search_key,
    content = 'actors',
    content_rowid = 'rowid',
    tokenize = 'trigram'
);
INSERT INTO actor_search (rowid, search_key) SELECT rowid, search_key FROM actors;

CREATE TRIGGER actors_search_insert AFTER INSERT ON actors BEGIN
    INSERT INTO actor_search (rowid, search_key) VALUES (new.rowid, new.search_key);
END;
CREATE TRIGGER actors_search_delete AFTER DELETE ON actors BEGIN
    INSERT INTO actor_search (actor_search, rowid, search_key) VALUES ('delete', old.rowid, old.search_key);
END;
CREATE TRIGGER actors_search_update AFTER UPDATE OF search_key ON actors BEGIN
    INSERT INTO actor_search (actor_search, rowid, search_key) VALUES ('delete', old.rowid, old.search_key);
    INSERT INTO actor_search (rowid, search_key) VALUES (new.rowid, new.search_key);
END;
