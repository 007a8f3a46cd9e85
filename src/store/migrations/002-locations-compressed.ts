/**
 * A finding's locations apart from its JSON, brotli-compressed, once they are many (see
 * store/sqlite/finding-columns.ts): a secret seen in a thousand places was a 150 KB row, written
 * twice at commit (the WAL, then the database file). NULL: the locations are in `finding_json`.
 */
export const migration002 = {
  version: 2,
  name: "locations-compressed",
  sql: `ALTER TABLE findings ADD COLUMN locations_br BLOB;`,
};
