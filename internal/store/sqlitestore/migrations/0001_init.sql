-- 0001: the cooperation graph. Empty optional text is stored as '' (not
-- NULL) so comparisons stay two-valued; unknown dates and coordinates are
-- NULL. Day keys are yyyymmdd integers (c2c.PartialDate.FirstKey/LastKey).

CREATE TABLE themes (
    id    TEXT PRIMARY KEY,
    label TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE actors (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('CITY', 'REGION', 'ORGANISATION')),
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,           -- c2c.Fold(name): the sort key
    search_key  TEXT NOT NULL,           -- c2c.Actor.SearchKey(): "|name|alt|…|" folded
    alt_names   TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(alt_names)),
    country     TEXT NOT NULL DEFAULT '',
    lat         REAL,
    lon         REAL,
    region_id   TEXT REFERENCES actors (id),
    org_type    TEXT NOT NULL DEFAULT '',
    wikidata_id TEXT NOT NULL DEFAULT '',
    geonames_id INTEGER NOT NULL DEFAULT 0,
    summary     TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE INDEX actors_name ON actors (name_key, id);
CREATE INDEX actors_kind_name ON actors (kind, name_key, id);
CREATE INDEX actors_country ON actors (country);
CREATE INDEX actors_region ON actors (region_id) WHERE region_id IS NOT NULL;
CREATE INDEX actors_org_type ON actors (org_type) WHERE org_type <> '';

CREATE TABLE exchanges (
    id          TEXT PRIMARY KEY,
    source_id   TEXT NOT NULL REFERENCES actors (id),
    target_id   TEXT NOT NULL REFERENCES actors (id),
    title       TEXT NOT NULL,
    title_key   TEXT NOT NULL,           -- c2c.Fold(title)
    kind        TEXT NOT NULL,
    start_date  TEXT NOT NULL DEFAULT '', -- "2013", "2013-07" or "2013-07-28"
    end_date    TEXT NOT NULL DEFAULT '',
    lo          INTEGER,                 -- first day covered, NULL when the date is unknown
    hi          INTEGER,                 -- last day covered
    date_note   TEXT NOT NULL DEFAULT '',
    programme   TEXT NOT NULL DEFAULT '',
    event       TEXT NOT NULL DEFAULT '',
    summary     TEXT NOT NULL DEFAULT '',
    source_url  TEXT NOT NULL DEFAULT '',
    directed    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK (source_id <> target_id)
);

CREATE INDEX exchanges_source ON exchanges (source_id);
CREATE INDEX exchanges_target ON exchanges (target_id);
CREATE INDEX exchanges_start_asc ON exchanges (coalesce(lo, 99999999), id);
CREATE INDEX exchanges_start_desc ON exchanges (coalesce(lo, 0), id);
CREATE INDEX exchanges_span ON exchanges (lo, hi) WHERE lo IS NOT NULL;
CREATE INDEX exchanges_title ON exchanges (title_key, id);
CREATE INDEX exchanges_kind ON exchanges (kind);
CREATE INDEX exchanges_programme ON exchanges (programme) WHERE programme <> '';
CREATE INDEX exchanges_event ON exchanges (event) WHERE event <> '';

CREATE TABLE exchange_themes (
    exchange_id TEXT NOT NULL REFERENCES exchanges (id) ON DELETE CASCADE,
    theme_id    TEXT NOT NULL REFERENCES themes (id),
    PRIMARY KEY (exchange_id, theme_id)
) WITHOUT ROWID;

CREATE INDEX exchange_themes_theme ON exchange_themes (theme_id, exchange_id);

CREATE TABLE exchange_facilitators (
    exchange_id TEXT NOT NULL REFERENCES exchanges (id) ON DELETE CASCADE,
    actor_id    TEXT NOT NULL REFERENCES actors (id),
    PRIMARY KEY (exchange_id, actor_id)
) WITHOUT ROWID;

CREATE INDEX exchange_facilitators_actor ON exchange_facilitators (actor_id, exchange_id);

CREATE TABLE memberships (
    id              TEXT PRIMARY KEY,
    actor_id        TEXT NOT NULL REFERENCES actors (id),
    organisation_id TEXT NOT NULL REFERENCES actors (id),
    since           TEXT NOT NULL DEFAULT '',
    until           TEXT NOT NULL DEFAULT '',
    since_key       INTEGER,             -- first day of since, NULL when unknown
    role            TEXT NOT NULL DEFAULT '',
    source_url      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK (actor_id <> organisation_id)
);

CREATE INDEX memberships_actor ON memberships (actor_id, coalesce(since_key, 99999999), organisation_id, id);
CREATE INDEX memberships_organisation ON memberships (organisation_id, coalesce(since_key, 99999999), actor_id, id);
