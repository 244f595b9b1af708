import type { ApprovalDecision, ApprovalStatus } from "../../analysis/approvals.js";

export interface ApprovalsView {
  status: ApprovalStatus;
  decisions: ApprovalDecision[];
  /** Double-submit token for the form; the same value is set as a cookie. */
  csrf: string;
  canDecide: boolean;
}

/**
 * The approval request on the investigation page: where it stands, who decided what and when, and a
 * form for an approver (their token proves who they are; the form is protected against cross-site posts).
 */
export function ApprovalsSection(props: { rolloutId: string; view: ApprovalsView }) {
  const { status, decisions } = props.view;
  return (
    <section aria-labelledby="approvals">
      <h2 id="approvals">Approvals</h2>
      <p>
        <strong>{status.state === "waiting" ? "Awaiting approval" : status.state === "approved" ? "Approved" : "Rejected"}</strong>: {status.summary}
      </p>
      {decisions.length ? (
        <div class="table-wrap">
          <table>
            <caption>Decisions, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Rule</th>
                <th scope="col">Decision</th>
                <th scope="col">Comment</th>
              </tr>
            </thead>
            <tbody>
              {decisions.map((decision) => (
                <tr>
                  <td>{decision.decidedAt}</td>
                  <td>{decision.approver}</td>
                  <td>{decision.rule}</td>
                  <td>{decision.decision}</td>
                  <td>{decision.comment ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {props.view.canDecide ? (
        <form method="post" action={`/rollouts/${props.rolloutId}/approvals`}>
          <input type="hidden" name="csrf" value={props.view.csrf} />
          <p>
            <label for="approver-token">Your approver token</label>
            <input id="approver-token" name="token" type="password" autocomplete="off" required />
          </p>
          <p>
            <label for="approval-comment">Comment</label>
            <input id="approval-comment" name="comment" type="text" maxlength={2000} />
          </p>
          <p>
            <button type="submit" name="decision" value="approve">Approve</button> <button type="submit" name="decision" value="reject">Reject</button>
          </p>
        </form>
      ) : null}
    </section>
  );
}
