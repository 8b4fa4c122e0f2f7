# The catalogue of controls: what each control is (title, rationale,
# severity, the data sources it reads) and the requirements of the
# frameworks it serves (MLPS 2.0, ISO/IEC 27001, SOC 2, the Cybersecurity
# Law). catalogue.json is a byte-for-byte copy of the one the policy ships
# (examples/policy/catalogue.json, embedded in auditlog-gate): a module
# copied elsewhere cannot read outside its directory, and a test of the
# repository holds the two copies to one another.

locals {
  catalogue_file = jsondecode(file("${path.module}/catalogue.json"))
  # A catalogue of another schema version stops the plan. The controls of
  # the catalogue and of this module must be the same: verdicts are made for
  # the catalogue's controls (controls.tf), so a control the module lacks is
  # an error there, and a control the catalogue lacks has no title.
  catalogue_doc = (
    try(local.catalogue_file.auditlog.catalogue.schema_version, null) == 1 ? local.catalogue_file.auditlog.catalogue :
    file("catalogue.json: schema_version must be 1, the version this module reads")
  )

  # Per control: its entry, with the tags of the requirements it serves in
  # catalogue order. A tag is the framework key in upper case, a colon and
  # the item's id without spaces ("MLPS2-L3:8.1.4.3a"), as auditlog-gate's
  # reports and the Rego rules name them.
  catalogue = {
    for c in local.catalogue_doc.controls : c.id => merge(c, {
      requirements = [
        for r in local.catalogue_doc.requirements : "${upper(r.framework)}:${replace(r.id, " ", "")}" if contains(r.controls, c.id)
      ]
      # The requirements' words and where they were checked, for a reader
      # who asks what a tag means.
      requirement_details = [
        for r in local.catalogue_doc.requirements : {
          tag      = "${upper(r.framework)}:${replace(r.id, " ", "")}"
          text     = r.text
          source   = r.source
          verified = r.verified
        } if contains(r.controls, c.id)
      ]
    })
  }

  # What the module makes of the catalogue, in the shape a test compares
  # with the Go package's and the Rego rules' view.
  catalogue_view = {
    for id, c in local.catalogue : id => {
      title        = c.title
      rationale    = c.rationale
      severity     = c.severity
      types        = sort(c.data_sources)
      requirements = c.requirements
    }
  }
}
