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
          "\(theme.count) of \(theme.of) \(UnitNouns(kind: theme.unitKind).plural) (\(ShareInWords.describe(theme.count, of: theme.of, kind: theme.unitKind))).",
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
    let caseThemes = themes.filter { $0.unitKind == recordKind && $0.count > 0 }
    if caseThemes.count > 1 {
      out += [
        "## How needs split between themes", "", "| theme | n | % | in words |",
        "|---|---:|---:|---|",
      ]
      for theme in caseThemes {
        out.append(
          "| \(Self.cell(theme.name)) | \(theme.count) | \(Cell.percent(theme.count, of: theme.of).text) | \(ShareInWords.describe(theme.count, of: theme.of, kind: theme.unitKind)) |"
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
      let matrix = cooccurrenceMatrix
      out += [
        "Units with both codes; the diagonal gives each code's units.", "",
      ]
      out +=
        matrix.codes.enumerated().map { "\($0.offset + 1). `\($0.element)`" }
        + [""]
      out.append(
        "| code | "
          + matrix.codes.indices.map { String($0 + 1) }.joined(separator: " | ")
          + " |")
      out.append(
        "|---|" + matrix.codes.map { _ in "---:" }.joined(separator: "|") + "|")
      for (index, row) in matrix.rows.enumerated() {
        out.append(
          "| \(index + 1) | " + row.map(String.init).joined(separator: " | ")
            + " |")
      }
      out += ["", MarkdownFormat().render(cooccurrence)]
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

  /// The co-occurrence matrix: codes with units, and units with both codes
  /// (each code's units on the diagonal).
  var cooccurrenceMatrix: (codes: [String], rows: [[Int]]) {
    let codes = cooccurrence.codes.filter { $0.units > 0 }
    let index = Dictionary(
      uniqueKeysWithValues: codes.enumerated().map { ($1.code, $0) })
    var rows = codes.enumerated().map { position, code in
      codes.indices.map { $0 == position ? code.units : 0 }
    }
    for pair in cooccurrence.pairs {
      guard let a = index[pair.first], let b = index[pair.second] else {
        continue
      }
      rows[a][b] = pair.both
      rows[b][a] = pair.both
    }
    return (codes.map(\.code), rows)
  }

  /// The dataset facts, as sentences.
  func datasetLines() -> [String] {
    var lines = [
      "Sources: "
        + sources.map {
          "\($0.name) (\(UnitNouns(kind: $0.kind).source), \($0.units) \(UnitNouns(kind: $0.kind).plural))"
        }.joined(separator: ", "),
      "Units: "
        + unitsByKind.map {
          "\($0.units) \(UnitNouns(kind: $0.kind).plural)"
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
