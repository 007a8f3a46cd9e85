import { migration001 } from "./001-initial.js";
import { migration002 } from "./002-locations-compressed.js";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** In order; a migration once released is never edited, only followed by a new one. */
export const migrations: readonly Migration[] = [migration001, migration002];
