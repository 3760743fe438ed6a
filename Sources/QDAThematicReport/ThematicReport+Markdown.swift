import QDAReport

extension ThematicReport {
  /// The report as GitHub-flavoured Markdown.
  ///
  /// Participant text is escaped, so nothing in it becomes markup.
  public func markdown() -> String {
    var out: [String] = ["# \(Self.escape(title))", ""]
    out += ["## Dataset", ""]
    out += datasetLines().map { "- " + Self.escape($0) }
    out += ["", "## Themes", ""]
    for theme in themes {
      out += [
        "### \(Self.escape(theme.name)) (`\(theme.id)`)", "",
        Self.escape(theme.definition), "",
      ]
      if theme.unitKind == "turn" {
        out += ["| code | name | turns | informants |", "|---|---|---:|---|"]
        for code in theme.codes {
          out.append(
            "| `\(code.id)` | \(Self.cell(code.name)) | \(code.count) | \(code.words) |"
          )
        }
      } else {
        out += [
          "\(theme.count) of \(theme.of) cases (\(ShareInWords.describe(theme.count, of: theme.of))).",
          "",
          "| code | name | n | % | in words | first month |",
          "|---|---|---:|---:|---|---|",
        ]
        for code in theme.codes {
          out.append(
            "| `\(code.id)` | \(Self.cell(code.name)) | \(code.count) | \(Cell.percent(code.count, of: code.of).text) | \(code.words) | \(code.firstMonth ?? "") |"
          )
        }
      }
      out.append("")
    }
    let caseThemes = themes.filter { $0.unitKind == "case" && $0.count > 0 }
    if caseThemes.count > 1 {
      out += [
        "## How needs split between themes", "", "| theme | n | % | in words |",
        "|---|---:|---:|---|",
      ]
      for theme in caseThemes {
        out.append(
          "| \(Self.cell(theme.name)) | \(theme.count) | \(Cell.percent(theme.count, of: theme.of).text) | \(ShareInWords.describe(theme.count, of: theme.of)) |"
        )
      }
      out.append("")
    }
    if let months {
      out += ["## Codes by month", "", MarkdownFormat().render(months)]
    }
    for crosstab in crosstabs {
      out += [
        "## Codes by \(Self.escape(crosstab.columns.label))", "",
        MarkdownFormat().render(crosstab),
      ]
    }
    out += ["## Codes that occur together", ""]
    if cooccurrence.pairs.isEmpty {
      out += ["No two codes share a unit.", ""]
    } else {
      out += [MarkdownFormat().render(cooccurrence)]
    }
    out += ["## Quotes", ""]
    for code in codebook.codes {
      let lines = quotes.filter { $0.code == code.qualifiedID }
      guard !lines.isEmpty else { continue }
      out += ["### \(Self.escape(code.name)) (`\(code.qualifiedID)`)", ""]
      for quote in lines {
        out += quote.text.split(
          separator: "\n", omittingEmptySubsequences: false
        ).map { "> " + Self.escape(String($0)) }
        out += ["> — \(Self.escape(quote.attribution))", ""]
      }
    }
    if let agreement {
      out += [
        "## Agreement between coders", "", MarkdownFormat().render(agreement),
      ]
    }
    out += ["## Appendix: the codebook", ""]
    for theme in codebook.themes {
      out += [
        "### \(Self.escape(theme.name)) (`\(theme.id)`)", "",
        Self.escape(theme.definition), "",
      ]
      for code in theme.codes {
        var line =
          "- **\(Self.escape(code.name))** (`\(code.qualifiedID)`): \(Self.escape(code.definition))"
        if let include = code.include {
          line += " *Include:* " + Self.escape(include)
        }
        if let exclude = code.exclude {
          line += " *Exclude:* " + Self.escape(exclude)
        }
        out.append(line)
      }
      out.append("")
    }
    return out.joined(separator: "\n")
  }

  /// The dataset facts, as sentences.
  func datasetLines() -> [String] {
    var lines = [
      "Sources: "
        + sources.map {
          "\($0.name) (\($0.kind == "turn" ? "transcript" : "work reports"), \($0.units) \($0.kind == "turn" ? "turns" : "cases"))"
        }.joined(separator: ", "),
      "Units: "
        + unitsByKind.map {
          "\($0.units) \($0.kind == "turn" ? "turns" : $0.kind == "case" ? "cases" : $0.kind)"
        }
        .joined(separator: ", "),
    ]
    if let dateRange {
      lines.append("Dates: \(dateRange.first) to \(dateRange.last)")
    }
    lines.append(
      "Coders: " + (coders.isEmpty ? "none" : coders.joined(separator: ", ")))
    lines.append(
      "Codebook: \(codebookID) \(codebookVersion) (SHA-256 \(codebookHash))")
    lines.append("Made with qda \(version)")
    return lines
  }

  /// Escapes text so Markdown and inline HTML in it stay text.
  static func escape(_ text: String) -> String {
    var result = ""
    for character in text {
      switch character {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "*", "_", "`", "[", "]", "#", "\\":
        result += "\\" + String(character)
      default: result.append(character)
      }
    }
    return result
  }

  /// Escapes text for a table cell.
  static func cell(_ text: String) -> String {
    escape(text).replacingOccurrences(of: "|", with: "\\|")
      .replacingOccurrences(of: "\n", with: " ")
  }
}

extension Crosstab.Columns {
  /// The name for headings.
  var label: String {
    switch self {
    case .month: return "month"
    case .attribute(let name): return name
    case .coder: return "coder"
    }
  }
}
