import QDACodebook

/// REFI-QDA codebooks (`.qdc`, namespace `urn:QDA-XML:codebook:1.0`).
///
/// Themes become parent codes that cannot be coded, their codes nest below
/// them, and each code's description is its definition (with inclusion and
/// exclusion notes), ending with a `qda-id:` line so qda can read its own ids
/// back.
public enum REFICodebook {
  /// The `.qdc` document of a codebook.
  public static func document(_ codebook: Codebook, origin: String) -> String {
    var xml = XMLText()
    xml.open(
      "CodeBook", [("xmlns", "urn:QDA-XML:codebook:1.0"), ("origin", origin)])
    writeCodes(codebook, into: &xml)
    xml.close("CodeBook")
    return xml.text
  }

  /// The `Codes` element, shared with project files.
  static func writeCodes(_ codebook: Codebook, into xml: inout XMLText) {
    xml.open("Codes")
    for theme in codebook.themes {
      xml.open(
        "Code",
        [
          ("guid", guid(theme: theme.id)), ("name", theme.name),
          ("isCodable", "false"),
        ])
      xml.element("Description", theme.definition + "\nqda-id: " + theme.id)
      for code in theme.codes {
        xml.open(
          "Code",
          [
            ("guid", guid(code: code.qualifiedID)), ("name", code.name),
            ("isCodable", "true"),
          ])
        var description = code.definition
        if let include = code.include { description += "\nInclude: " + include }
        if let exclude = code.exclude { description += "\nExclude: " + exclude }
        xml.element(
          "Description", description + "\nqda-id: " + code.qualifiedID)
        xml.close("Code")
      }
      xml.close("Code")
    }
    xml.close("Codes")
  }

  /// The GUID of a theme.
  static func guid(theme: String) -> String {
    StableGUID.make("theme:" + theme)
  }
  /// The GUID of a code.
  static func guid(code: String) -> String { StableGUID.make("code:" + code) }
}
