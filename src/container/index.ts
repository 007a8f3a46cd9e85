export { createContainer, provide, resolve } from "./create-container.js";
export type { ContainerDeps } from "./create-container.js";
export { openCloseloop } from "./open-closeloop.js";
export type { Closeloop } from "./open-closeloop.js";
export {
  createItsmAdapter,
  createTargetAdapter,
  loadAdapters,
} from "./adapters.js";
export type { AdapterDeps } from "./adapters.js";
export { TOKENS } from "./tokens.js";
export type { Token } from "./tokens.js";
export { FilePause } from "./pause.js";
export type { PauseState } from "./pause.js";
