output "compliance" {
  description = "Verdict per control: id, title, rationale, status (pass or fail), findings (id and detail), incomplete evidence. `terraform output -json compliance`."
  value = {
    window = { start = local.window_start, end = local.window_end }
    passed = alltrue([for c in local.controls : c.status == "pass"])
    controls = {
      for id, c in local.controls : id => {
        title      = c.title
        rationale  = c.rationale
        status     = c.status
        findings   = c.findings
        incomplete = c.incomplete
      }
    }
  }
}

output "compliance_report" {
  description = "The verdicts as Markdown, to paste into a ticket. `terraform output -raw compliance_report`."
  value = join("\n", concat(
    [
      "## Compliance report",
      "",
      "Window: ${local.window_start} to ${local.window_end}. ${length([for c in local.controls : c if c.status == "pass"])} of ${length(local.controls)} controls pass.",
      "",
      "| Control | Verdict | Findings | Title |",
      "|---|---|---|---|",
    ],
    [for id, c in local.controls : "| ${id} | ${upper(c.status)} | ${length(c.findings)} | ${c.title} |"],
    flatten([
      for id, c in local.controls : concat(
        ["", "### ${id}: ${c.title} (${upper(c.status)})", "", "_${c.rationale}_"],
        length(c.incomplete) == 0 ? [] : concat([""], [for s in c.incomplete : "- **Evidence incomplete**: ${s}"]),
        length(c.findings) == 0 ? [] : concat([""], [for f in c.findings : "- `${f.id}`: ${f.detail}"]),
      ) if c.status != "pass"
    ]),
    [""],
  ))
}
