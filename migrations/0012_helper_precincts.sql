-- Where each helper serves, one row per precinct, so staff can list a precinct's helpers and
-- duties can be offered to the helpers of a precinct without reading every helper's JSON.
CREATE TABLE helper_precincts (
    precinct_id TEXT    NOT NULL,                -- a directory id (the directory is replaced whole)
    helper_id   INTEGER NOT NULL REFERENCES helpers (id),
    PRIMARY KEY (precinct_id, helper_id)
) WITHOUT ROWID;
CREATE INDEX helper_precincts_helper ON helper_precincts (helper_id);

INSERT INTO helper_precincts (precinct_id, helper_id)
    SELECT DISTINCT p.value, h.id FROM helpers h, json_each(h.precincts) p;
