import type { FindingLocation } from "./finding.js";

/**
 * A location as one flat string: its identity (two sightings at one place are one location) and
 * its own JSON. Every field in the order of FindingLocation, so the same place gives the same text
 * whatever order a parser set its fields in, absent ones left out: exactly what JSON.stringify
 * makes of that object (a test holds the two equal), written as one concatenation, which took
 * about half the time of building the object and stringifying it, once per sighting. Being the
 * location's JSON, the keys make a finding's JSON by joining them.
 */
export function locationKey(l: FindingLocation): string {
  let key = `{"source":${jsonValue(l.source)}`;
  if (l.file !== undefined) key += `,"file":${jsonValue(l.file)}`;
  if (l.lineReported !== undefined)
    key += `,"lineReported":${jsonValue(l.lineReported)}`;
  if (l.column !== undefined) key += `,"column":${jsonValue(l.column)}`;
  if (l.commit !== undefined) key += `,"commit":${jsonValue(l.commit)}`;
  if (l.repository !== undefined)
    key += `,"repository":${jsonValue(l.repository)}`;
  if (l.url !== undefined) key += `,"url":${jsonValue(l.url)}`;
  if (l.resource !== undefined) key += `,"resource":${jsonValue(l.resource)}`;
  return `${key}}`;
}

/** No quote, backslash, control character or surrogate: JSON.stringify would only quote it. */
// eslint-disable-next-line no-control-regex -- the control characters are what JSON escapes
const PLAIN_STRING = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/** A finite number's JSON is its string (-0 too: both give "0"); JSON.stringify was a call each. */
function jsonValue(value: unknown): string {
  if (typeof value === "string" && PLAIN_STRING.test(value))
    return `"${value}"`;
  if (typeof value === "number" && Number.isFinite(value)) return `${value}`;
  return JSON.stringify(value);
}
