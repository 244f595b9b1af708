export { gates } from "./gates.js";
export { rollouts } from "./rollouts.js";
export { evaluations, checkResults } from "./evaluations.js";
export { dashboardCheckResults, dashboardEvaluations, dashboardRollouts } from "./views.js";
export { approvals } from "./approvals.js";
export { notifications } from "./notifications.js";
export { apiTokens, webSessions } from "./api-tokens.js";
