export { createMappingRenderer } from "./renderer.js";
export type { MappingRendererOptions } from "./renderer.js";
export { renderPlanText, parsePlanHash } from "./plan-text.js";
export { RECORD_TYPES } from "./record-types.js";
export type { MappingContext, TicketFieldsRenderer } from "./types.js";
