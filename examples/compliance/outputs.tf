output "compliance" {
  description = "Verdict per control: title, rationale, severity (high, medium or low), requirements (the tags of the framework requirements the control serves, from the catalogue of controls, such as `MLPS2-L3:8.1.4.3a`, `ISO27001-2022:A.8.15`, `SOC2:CC7.2`; `requirement_details` gives each one's words, source and whether it was verified), status (pass or fail; unknown in a plan whose evidence is known only after apply), records (how many records the control reviewed: with select_at_provider, those the provider scanned for it), kept (how many of them reached the state and were judged here), scope (the accounts and projects its reads acted as), findings (id, detail and scope), incomplete (why its evidence cannot be trusted) and evidence (the `evidence` of every read it rests on: data_source, complete, records, scanned, selection, window_start, window_end, window_chosen_by_api, narrowed_by, account_id, principal_arn, region, project_id). `terraform output -json compliance`."
  value = {
    window = {
      start      = local.window_start
      end        = local.window_end
      start_unix = local.window_unix.start
      end_unix   = local.window_unix.end
    }
    passed = alltrue([for c in local.verdicts : c.status == "pass"])
    controls = {
      for id, c in local.verdicts : id => {
        title        = c.title
        rationale    = c.rationale
        severity     = c.severity
        requirements = c.requirements
        status       = c.status
        records      = c.records
        kept         = c.kept
        scope        = local.verdict_scope[id]
        findings     = [for f in c.findings : merge(f, { scope = join(", ", local.verdict_scope[id]) })]
        incomplete   = c.incomplete
        evidence     = c.evidence
      }
    }
    # The words of every requirement a control serves, the public source
    # each was checked against and whether it was: an unverified one is
    # published as such, never as checked.
    requirement_details = { for id, c in local.catalogue : id => c.requirement_details }
  }
}

locals {
  # The accounts (Tencent Cloud) and projects (UCloud) the reads of each
  # control acted as, from their evidence: every verdict and finding names
  # them, so that the outputs of several module instances (for_each over
  # accounts) can be merged and still tell the accounts apart.
  verdict_scope = {
    for id, c in local.verdicts : id => distinct(compact([
      for e in c.evidence : e.project_id != null ? "project ${e.project_id}" : e.account_id != null ? "account ${e.account_id}" : ""
    ]))
  }
  report_verdict = { for id, c in local.verdicts : id => "${upper(c.status)}${c.records == 0 ? ", no records" : ""}" }
  report_source = {
    for a, e in local.read_evidence : a => {
      complete = e.complete == true ? "yes" : e.complete == false ? "**no**" : "**not reported**"
      window = (!local.reads[a].windowed ? "-" : e.window_chosen_by_api == true ? "**chosen by the API**" :
      "${e.window_start == null ? "?" : provider::auditlog::rfc3339(e.window_start)} to ${e.window_end == null ? "?" : provider::auditlog::rfc3339(e.window_end)}")
      account = (e.project_id != null ? "project ${e.project_id}" : e.account_id != null ? "account ${e.account_id}" :
      startswith(a, "data.auditlog_ucloud") ? "project not reported" : "**account not reported**")
      region = e.region == null ? "-" : e.region
    }
  }
}

output "compliance_report" {
  description = "The verdicts as Markdown, to paste into a ticket: per control its verdict, how many records it reviewed and the tags of the requirements it serves, per read its completeness, window and account, then the findings. `terraform output -raw compliance_report`."
  value = join("\n", concat(
    [
      "## Compliance report",
      "",
      "Window: ${local.window_start} to ${local.window_end}. ${length([for c in local.verdicts : c if c.status == "pass"])} of ${length(local.verdicts)} controls pass.${length(local.empty_controls) == 0 ? "" : " ${join(", ", local.empty_controls)} reviewed no record."}",
      "",
      "| Control | Verdict | Records | Findings | Title | Requirements |",
      "|---|---|---|---|---|---|",
    ],
    [for id, c in local.verdicts : "| ${id} | ${local.report_verdict[id]} | ${c.records} | ${length(c.findings)} | ${c.title} | ${join(", ", c.requirements)} |"],
    [
      "",
      "### Evidence",
      "",
      "| Data source | Complete | Records | Window | Account | Region |",
      "|---|---|---|---|---|---|",
    ],
    [for a, e in local.read_evidence : "| `${a}` | ${local.report_source[a].complete} | ${e.records == null ? "?" : e.records} | ${local.report_source[a].window} | ${local.report_source[a].account} | ${local.report_source[a].region} |"],
    flatten([
      for id, c in local.verdicts : concat(
        ["", "### ${id}: ${c.title} (${local.report_verdict[id]}${length(local.verdict_scope[id]) == 0 ? "" : "; ${join(", ", local.verdict_scope[id])}"})", "", "_${c.rationale}_", "", "Severity ${c.severity}. Requirements: ${join(", ", [for r in local.catalogue[id].requirement_details : r.verified ? r.tag : "${r.tag} (unverified)"])}."],
        c.records > 0 ? [] : ["", "- **No record reviewed**: ${c.windowed ? "nothing of the window ${local.window_start} to ${local.window_end} was read" : id == "EVT-02" ? "no CLS analysis counted an event of the last ${local.settings.cls_window_days} days" : id == "RET-01" ? "the account has no enabled tracking set" : "the account has no tracking set"}; the verdict rests on no evidence."],
        length(c.incomplete) == 0 ? [] : concat([""], [for s in c.incomplete : "- **Evidence incomplete**: ${s}"]),
        length(c.findings) == 0 ? [] : concat([""], [for f in c.findings : "- `${f.id}`: ${f.detail}"]),
      ) if c.status != "pass" || c.records == 0
    ]),
    [""],
  ))
}

output "policy_sha256" {
  description = "The SHA-256 (hex) of the policy data file this instance read (policy_data_file), null without one. The gate compares it with the sha256 of the policy data it judges by, so that the report and the gate rest on one file; a root module forwards it as the output auditlog_policy_sha256."
  value       = local.policy_sha256
}
