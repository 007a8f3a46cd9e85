export { createMappingRenderer } from "./renderer.js";
export type { MappingRendererOptions } from "./renderer.js";
export { renderPlanText, parsePlanHash } from "./plan-text.js";
export { MANUAL_RECORD_TYPES, RECORD_TYPES } from "./record-types.js";
export type {
  ManualMappingContext,
  MappingContext,
  TicketFieldsRenderer,
} from "./types.js";
