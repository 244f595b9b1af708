/** The bootstrap admin token every fault test sets and sends (CANARY_GATE_ADMIN_TOKEN, ≥ 32 chars). */
export const ADMIN_TOKEN = "fault-tests-admin-token-0123456789abcdef";
