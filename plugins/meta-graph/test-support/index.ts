/**
 * `@switchboard/meta-graph/test-support`: the loopback Graph API fake the Meta channel plugins
 * extend with their own routes (send API, profiles, templates…).
 */
export {
  FakeGraph,
  type FakeGraphError,
  type FakeGraphOptions,
  type GraphCall,
  type GraphRouteHandler,
  graphError,
  startFakeGraph,
} from "./fake-graph.ts";
