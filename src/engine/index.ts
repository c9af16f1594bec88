/** The pure engine: journal -> state -> commands. No I/O, no clock, no randomness. */
export { type Command, decide, inFlightSteps } from "./decide.js";
export { type EngineGraph, engineGraph, type RoutingMode } from "./graph.js";
export {
  apply,
  childWaitKey,
  type EngineState,
  initialState,
  type StepState,
  type StepStatus,
} from "./state.js";
