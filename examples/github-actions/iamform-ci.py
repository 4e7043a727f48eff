#!/usr/bin/env python3
"""The decisions of the iamform GitHub Actions workflows, apart from the YAML so they can be tested.

Copy this file to `.github/iamform-ci.py` beside the workflows. Python 3, standard library only.
Each command reads what `gh api` printed (JSON files), decides, and either prints `key=value`
lines (append them to "$GITHUB_OUTPUT") or fails closed: a message on stderr that says what
happened and what to re-run, and exit status 1.

  pull-request --pulls PULLS.json --sha SHA
      The pull request merged as commit SHA (`gh api repos/OWNER/REPO/commits/SHA/pulls`):
      prints number=N and head_sha=H (the PR's last commit, the one its last plan must be of).
  plan-artifact --artifacts ARTIFACTS.json --pr N --head-sha H
      The PR's last saved plan (`gh api "repos/OWNER/REPO/actions/artifacts?name=iamform-plan-pr-N"`):
      the newest unexpired artifact of that name, which must have been made on H.
      Prints artifact_id=, run_id=, name=.
  plan-meta --meta plan-meta.json --pr N --head-sha H
      The record the plan job saved beside plan.json must name the same PR and commit.
      Prints config_digest=.
  drift-issue --exit-code CODE --issues ISSUES.json
      What to do with the one drift issue (`gh issue list --label iamform-drift --state open
      --json number,title`) after `iamform drift` exited with CODE: 0 (clean) closes it, 2 (drift)
      updates it or creates one, anything else is an error: the job fails and the issue is left
      alone. Prints action=create|update|close|none and number=.
"""

import argparse
import json
import sys

PLAN_ARTIFACT = "iamform-plan-pr-{}"
DRIFT_TITLE = "iamform drift"


class Refused(Exception):
    """A decision that fails closed: the message says what happened and what to re-run."""


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise Refused(f"cannot read {path}: {e}") from e


def pull_request(pulls, sha):
    """The one pull request merged as `sha`: (number, head sha)."""
    if not isinstance(pulls, list):
        raise Refused("the GitHub API answered something other than a list of pull requests")
    merged = [
        p
        for p in pulls
        if isinstance(p, dict) and p.get("merged_at") and p.get("merge_commit_sha") == sha
    ]
    if not merged:
        raise Refused(
            f"commit {sha} was not merged from a pull request (pushed to the branch directly?), "
            "so no plan was reviewed for it: nothing was applied. Make the change in a pull "
            "request, review its plan and merge it."
        )
    if len(merged) > 1:
        numbers = ", ".join(f"#{p.get('number')}" for p in merged)
        raise Refused(f"commit {sha} is the merge of several pull requests ({numbers}): nothing was applied")
    pr = merged[0]
    number, head = pr.get("number"), (pr.get("head") or {}).get("sha")
    if not isinstance(number, int) or not isinstance(head, str):
        raise Refused(f"the pull request merged as {sha} has no number or head commit: nothing was applied")
    return number, head


def plan_artifact(listing, pr, head_sha):
    """The PR's last saved plan, which must be of its last commit: (artifact id, run id, name)."""
    name = PLAN_ARTIFACT.format(pr)
    rerun = (
        f"Re-run the iamform plan workflow on pull request #{pr}'s last commit {head_sha} "
        "(Actions > iamform plan > Re-run all jobs), check the plan, then re-run this workflow."
    )
    artifacts = listing.get("artifacts") if isinstance(listing, dict) else None
    if not isinstance(artifacts, list):
        raise Refused("the GitHub API answered something other than a list of artifacts")
    saved = [a for a in artifacts if isinstance(a, dict) and a.get("name") == name]
    if not saved:
        raise Refused(f"no plan was saved for pull request #{pr} (no artifact {name}): nothing was applied. {rerun}")
    last = max(saved, key=lambda a: (str(a.get("created_at", "")), a.get("id", 0)))
    if last.get("expired"):
        raise Refused(f"the plan saved for pull request #{pr} has expired: nothing was applied. {rerun}")
    made_on = (last.get("workflow_run") or {}).get("head_sha")
    if made_on != head_sha:
        raise Refused(
            f"the last plan saved for pull request #{pr} was made on commit {made_on}, not on its "
            f"last commit {head_sha} (the plan of the last push failed or did not finish?), so it "
            f"is not the plan that was reviewed: nothing was applied. {rerun}"
        )
    run_id = (last.get("workflow_run") or {}).get("id")
    return last.get("id"), run_id, name


def plan_meta(meta, pr, head_sha):
    """The plan job's record beside plan.json: its configuration digest, once it names pr and head_sha."""
    if not isinstance(meta, dict):
        raise Refused("plan-meta.json is not a JSON object: nothing was applied")
    if meta.get("pr") != pr or meta.get("head_sha") != head_sha:
        raise Refused(
            f"the saved plan says it is of pull request #{meta.get('pr')} at {meta.get('head_sha')}, "
            f"not #{pr} at {head_sha}: nothing was applied. Re-run the iamform plan workflow on "
            f"pull request #{pr}, then this workflow."
        )
    digest = meta.get("config_digest")
    if not isinstance(digest, str) or not digest.startswith("sha256:"):
        raise Refused("the saved plan records no configuration digest: nothing was applied")
    return digest


def drift_issue(code, issues):
    """(action, issue number or None) for `iamform drift`'s exit code and the open drift issues."""
    if code not in (0, 2):
        raise Refused(
            f"iamform drift failed (exit {code}), so whether the account drifted is unknown: the "
            "drift issue is left as it is. See the error above, fix it and re-run this workflow."
        )
    if not isinstance(issues, list):
        raise Refused("the GitHub API answered something other than a list of issues")
    open_ones = sorted(
        i["number"]
        for i in issues
        if isinstance(i, dict)
        and isinstance(i.get("number"), int)
        and str(i.get("title", "")).startswith(DRIFT_TITLE)
    )
    existing = open_ones[0] if open_ones else None
    if code == 2:
        return ("update", existing) if existing else ("create", None)
    return ("close", existing) if existing else ("none", None)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("pull-request")
    p.add_argument("--pulls", required=True)
    p.add_argument("--sha", required=True)
    p = sub.add_parser("plan-artifact")
    p.add_argument("--artifacts", required=True)
    p.add_argument("--pr", type=int, required=True)
    p.add_argument("--head-sha", required=True)
    p = sub.add_parser("plan-meta")
    p.add_argument("--meta", required=True)
    p.add_argument("--pr", type=int, required=True)
    p.add_argument("--head-sha", required=True)
    p = sub.add_parser("drift-issue")
    p.add_argument("--exit-code", type=int, required=True)
    p.add_argument("--issues", required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "pull-request":
            number, head = pull_request(load(args.pulls), args.sha)
            out = {"number": number, "head_sha": head}
        elif args.command == "plan-artifact":
            artifact, run, name = plan_artifact(load(args.artifacts), args.pr, args.head_sha)
            out = {"artifact_id": artifact, "run_id": run, "name": name}
        elif args.command == "plan-meta":
            out = {"config_digest": plan_meta(load(args.meta), args.pr, args.head_sha)}
        else:
            # An error says so before the issue list is read: it may be missing.
            if args.exit_code not in (0, 2):
                drift_issue(args.exit_code, [])
            action, number = drift_issue(args.exit_code, load(args.issues))
            out = {"action": action, "number": "" if number is None else number}
    except Refused as e:
        print(f"::error::{e}", file=sys.stderr)
        return 1
    for key, value in out.items():
        print(f"{key}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
