import QDAReport

extension ThematicReport {
  /// The report as one self-contained HTML file: inline CSS, charts as inline
  /// SVG with a text alternative, no script, no external reference, every
  /// participant text escaped; readable on screen and in print.
  public func html() -> String {
    var out: [String] = [
      "<!DOCTYPE html>", "<html lang=\"en\">", "<head>",
      "<meta charset=\"utf-8\">",
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
      "<title>\(Self.html(title))</title>", "<style>\(Self.css)</style>",
      "</head>", "<body>", "<main>",
      "<h1>\(Self.html(title))</h1>",
      "<section id=\"dataset\"><h2>Dataset</h2><ul>",
    ]
    out += datasetLines().map { "<li>\(Self.html($0))</li>" }
    out += ["</ul></section>", "<section id=\"themes\"><h2>Themes</h2>"]
    for theme in themes {
      out += [
        "<h3>\(Self.html(theme.name)) <code>\(Self.html(theme.id))</code></h3>",
        "<p>\(Self.html(theme.definition))</p>",
      ]
      if theme.unitKind == "turn" {
        out += table(
          header: ["code", "name", "turns", "informants"],
          numeric: [false, false, true, false],
          rows: theme.codes.map {
            [
              "<code>\(Self.html($0.id))</code>", Self.html($0.name),
              String($0.count), Self.html($0.words),
            ]
          })
        out.append(
          barChart(
            id: "chart-\(theme.id)",
            title: "\(theme.name): informants per code",
            bars: theme.codes.map { ($0.name, Double($0.documents ?? 0)) },
            maximum: Double(theme.codes.first?.ofDocuments ?? 1),
            unit: "informants"))
      } else {
        out.append(
          "<p>\(theme.count) of \(theme.of) \(UnitNouns(kind: theme.unitKind).plural) (\(Self.html(ShareInWords.describe(theme.count, of: theme.of, kind: theme.unitKind)))).</p>"
        )
        out += table(
          header: ["code", "name", "n", "%", "in words", "first month"],
          numeric: [false, false, true, true, false, false],
          rows: theme.codes.map {
            [
              "<code>\(Self.html($0.id))</code>", Self.html($0.name),
              String($0.count),
              Cell.percent($0.count, of: $0.of).text, Self.html($0.words),
              Self.html($0.firstMonth ?? ""),
            ]
          })
        out.append(
          barChart(
            id: "chart-\(theme.id)",
            title:
              "\(theme.name): \(UnitNouns(kind: theme.unitKind).plural) per code",
            bars: theme.codes.map { ($0.name, Double($0.count)) }, maximum: nil,
            unit: UnitNouns(kind: theme.unitKind).plural))
      }
    }
    out.append("</section>")
    let caseThemes = themes.filter { $0.unitKind == recordKind && $0.count > 0 }
    if caseThemes.count > 1 {
      out += ["<section id=\"split\"><h2>How needs split between themes</h2>"]
      out += table(
        header: ["theme", "n", "%", "in words"],
        numeric: [false, true, true, false],
        rows: caseThemes.map {
          [
            Self.html($0.name), String($0.count),
            Cell.percent($0.count, of: $0.of).text,
            Self.html(
              ShareInWords.describe($0.count, of: $0.of, kind: $0.unitKind)),
          ]
        })
      out.append(
        barChart(
          id: "chart-split",
          title: "Share of \(UnitNouns(kind: recordKind).plural) per theme (%)",
          bars: caseThemes.map {
            ($0.name, Double($0.count) * 100 / Double(max(1, $0.of)))
          },
          maximum: 100, unit: "%"))
      out.append("</section>")
    }
    if let months {
      out += [
        "<section id=\"months\"><h2>Codes by month</h2>", lineChart(months),
      ]
      out += table(months.table)
      let notes = themes.flatMap(\.codes).filter {
        $0.firstMonth != nil && $0.count > 0
      }
      .filter { $0.firstMonth != dateRange.map { String($0.first.prefix(7)) } }
      for note in notes {
        out.append(
          "<p class=\"note\">\(Self.html(note.name)) first appears in \(Self.html(note.firstMonth ?? "")).</p>"
        )
      }
      out.append("</section>")
    }
    for crosstab in crosstabs {
      out += ["<section><h2>Codes by \(Self.html(crosstab.columns.label))</h2>"]
      out += table(crosstab.table)
      out.append("</section>")
    }
    out += ["<section id=\"cooccurrence\"><h2>Codes that occur together</h2>"]
    if cooccurrence.pairs.isEmpty {
      out.append("<p>No two codes share a unit.</p>")
    } else {
      let matrix = cooccurrenceMatrix
      out.append(
        "<p>Units with both codes; the diagonal gives each code's units. Codes by number:</p>"
      )
      out.append(
        "<ol>"
          + matrix.codes.map { "<li><code>\(Self.html($0))</code></li>" }
          .joined() + "</ol>")
      out += table(
        header: ["code"] + matrix.codes.indices.map { String($0 + 1) },
        numeric: [false] + matrix.codes.map { _ in true },
        rows: matrix.rows.enumerated().map { index, row in
          ["\(index + 1)"] + row.map(String.init)
        })
      out += table(cooccurrence.table)
    }
    out += ["</section>", "<section id=\"quotes\"><h2>Quotes</h2>"]
    for code in codebook.codes {
      let lines = quotes.filter { $0.code == code.qualifiedID }
      guard !lines.isEmpty else { continue }
      out.append(
        "<h3>\(Self.html(code.name)) <code>\(Self.html(code.qualifiedID))</code></h3>"
      )
      for quote in lines {
        out.append(
          "<figure><blockquote>\(Self.html(quote.text).replacingOccurrences(of: "\n", with: "<br>"))</blockquote>"
            + "<figcaption>— \(Self.html(quote.attribution))</figcaption></figure>"
        )
      }
    }
    out.append("</section>")
    if let agreement {
      out += ["<section id=\"agreement\"><h2>Agreement between coders</h2>"]
      out += table(agreement.table)
      out.append("</section>")
    }
    out += ["<section id=\"codebook\"><h2>Appendix: the codebook</h2>"]
    for theme in codebook.themes {
      out += [
        "<h3>\(Self.html(theme.name)) <code>\(Self.html(theme.id))</code></h3>",
        "<p>\(Self.html(theme.definition))</p>", "<dl>",
      ]
      for code in theme.codes {
        var definition = Self.html(code.definition)
        if let include = code.include {
          definition += " <em>Include:</em> " + Self.html(include)
        }
        if let exclude = code.exclude {
          definition += " <em>Exclude:</em> " + Self.html(exclude)
        }
        out += [
          "<dt>\(Self.html(code.name)) <code>\(Self.html(code.qualifiedID))</code></dt>",
          "<dd>\(definition)</dd>",
        ]
      }
      out.append("</dl>")
    }
    out += ["</section>", "</main>", "</body>", "</html>", ""]
    return out.joined(separator: "\n")
  }

  // MARK: - Pieces

  static let css = """
    body{font-family:Georgia,'Times New Roman',serif;color:#1b1b1b;background:#fff;margin:0}\
    main{max-width:60rem;margin:0 auto;padding:1.5rem}\
    h1,h2,h3{font-family:'Helvetica Neue',Arial,sans-serif;line-height:1.2}\
    h2{border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2rem}\
    table{border-collapse:collapse;margin:.8rem 0;font-size:.9rem}\
    th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}\
    td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\
    code{font-size:.85em;color:#444}\
    blockquote{margin:.5rem 0;padding-left:1rem;border-left:3px solid #999;font-style:italic}\
    figcaption{font-size:.9rem;color:#555;margin-bottom:1rem}\
    svg{max-width:100%;height:auto;font-family:Arial,sans-serif}\
    .note{color:#555;font-size:.9rem}\
    @media print{main{max-width:none}section{break-inside:avoid-page}h2{break-after:avoid}}
    """

  static let palette = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f",
    "#bcbd22", "#17becf",
  ]

  /// Escapes text for HTML content and attributes.
  static func html(_ text: String) -> String {
    var result = ""
    for character in text {
      switch character {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "'": result += "&#39;"
      default: result.append(character)
      }
    }
    return result
  }

  /// A table from cells already escaped.
  func table(header: [String], numeric: [Bool], rows: [[String]]) -> [String] {
    var out = ["<table>", "<thead><tr>"]
    out += zip(header, numeric).map {
      "<th\($1 ? " class=\"n\"" : "")>\(Self.html($0))</th>"
    }
    out.append("</tr></thead><tbody>")
    for row in rows {
      out.append(
        "<tr>"
          + zip(row, numeric).map {
            "<td\($1 ? " class=\"n\"" : "")>\($0)</td>"
          }.joined() + "</tr>")
    }
    out.append("</tbody></table>")
    return out
  }

  /// A table from a report table, every cell escaped.
  func table(_ table: ReportTable) -> [String] {
    self.table(
      header: table.columns.map(\.name),
      numeric: table.columns.map(\.isNumeric),
      rows: (table.rows + table.footer).map { $0.map { Self.html($0.text) } })
  }

  /// An axis maximum at or above `value` with round ticks (1, 2 or 5 × 10^k apart).
  static func niceScale(_ value: Double) -> (maximum: Double, ticks: Int) {
    var magnitude = 1.0
    while magnitude * 10 <= value { magnitude *= 10 }
    while magnitude > value, magnitude > 0.001 { magnitude /= 10 }
    for factor in [0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0] {
      let step = magnitude * factor
      let ticks = Int((value / step).rounded(.up))
      if ticks <= 5 { return (step * Double(max(1, ticks)), max(1, ticks)) }
    }
    return (value, 4)
  }

  static func number(_ value: Double) -> String {
    let rounded = (value * 10).rounded() / 10
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
  }

  /// A horizontal bar chart with a value axis, labels and a text alternative.
  func barChart(
    id: String, title: String, bars: [(String, Double)], maximum: Double?,
    unit: String
  ) -> String {
    let (top, ticks) = Self.niceScale(
      max(maximum ?? 0, bars.map(\.1).max() ?? 0, 1))
    let labelWidth = 300.0
    let plotWidth = 380.0
    let rowHeight = 22.0
    let height = Double(bars.count) * rowHeight + 40
    var svg = [
      "<svg role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\" viewBox=\"0 0 \(Int(labelWidth + plotWidth + 60)) \(Int(height))\" width=\"\(Int(labelWidth + plotWidth + 60))\" height=\"\(Int(height))\">",
      "<title id=\"\(id)-title\">\(Self.html(title))</title>",
      "<desc id=\"\(id)-desc\">\(Self.html(bars.map { "\($0.0): \(Self.number($0.1)) \(unit)" }.joined(separator: "; ")))</desc>",
    ]
    for (index, bar) in bars.enumerated() {
      let y = Double(index) * rowHeight + 8
      let width = bar.1 / top * plotWidth
      svg.append(
        "<text x=\"\(Int(labelWidth - 6))\" y=\"\(Self.number(y + 14))\" text-anchor=\"end\" font-size=\"12\">\(Self.html(bar.0))</text>"
      )
      svg.append(
        "<rect x=\"\(Int(labelWidth))\" y=\"\(Self.number(y + 3))\" width=\"\(Self.number(width))\" height=\"14\" fill=\"\(Self.palette[index % Self.palette.count])\"/>"
      )
      svg.append(
        "<text x=\"\(Self.number(labelWidth + width + 4))\" y=\"\(Self.number(y + 14))\" font-size=\"11\">\(Self.number(bar.1))</text>"
      )
    }
    let axisY = Double(bars.count) * rowHeight + 12
    svg.append(
      "<line x1=\"\(Int(labelWidth))\" y1=\"\(Self.number(axisY))\" x2=\"\(Int(labelWidth + plotWidth))\" y2=\"\(Self.number(axisY))\" stroke=\"#333\"/>"
    )
    svg.append(
      "<line x1=\"\(Int(labelWidth))\" y1=\"6\" x2=\"\(Int(labelWidth))\" y2=\"\(Self.number(axisY))\" stroke=\"#333\"/>"
    )
    for step in 0...ticks {
      let value = top * Double(step) / Double(ticks)
      let x = labelWidth + plotWidth * Double(step) / Double(ticks)
      svg.append(
        "<line x1=\"\(Self.number(x))\" y1=\"\(Self.number(axisY))\" x2=\"\(Self.number(x))\" y2=\"\(Self.number(axisY + 4))\" stroke=\"#333\"/>"
      )
      svg.append(
        "<text x=\"\(Self.number(x))\" y=\"\(Self.number(axisY + 16))\" text-anchor=\"middle\" font-size=\"10\">\(Self.number(value))</text>"
      )
    }
    svg.append("</svg>")
    return svg.joined(separator: "\n")
  }

  /// A line chart of codes by month, with axes, a legend and a text alternative.
  func lineChart(_ table: FrequencyTable) -> String {
    let groups = table.groups.filter { $0 != FrequencyTable.missingGroup }
    let rows = table.rows.filter { $0.total > 0 }
    let left = 50.0
    let plotWidth = 560.0
    let plotHeight = 240.0
    let top = 20.0
    let legendWidth = 300.0
    let maximum = Double(
      max(1, rows.flatMap { Array($0.counts.prefix(groups.count)) }.max() ?? 1))
    let step = groups.count > 1 ? plotWidth / Double(groups.count - 1) : 0
    func x(_ index: Int) -> Double { left + Double(index) * step }
    func y(_ value: Int) -> Double {
      top + plotHeight - Double(value) / maximum * plotHeight
    }
    let width = Int(left + plotWidth + legendWidth)
    let height = Int(top + plotHeight + 50)
    let description = rows.map { row in
      "\(row.name.isEmpty ? row.key : row.name): "
        + zip(groups, row.counts).map { "\($0) \($1)" }.joined(separator: ", ")
    }.joined(separator: "; ")
    var svg = [
      "<svg role=\"img\" aria-labelledby=\"chart-months-title chart-months-desc\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\">",
      "<title id=\"chart-months-title\">Cases per code by month</title>",
      "<desc id=\"chart-months-desc\">\(Self.html(description))</desc>",
      "<line x1=\"\(Int(left))\" y1=\"\(Int(top))\" x2=\"\(Int(left))\" y2=\"\(Int(top + plotHeight))\" stroke=\"#333\"/>",
      "<line x1=\"\(Int(left))\" y1=\"\(Int(top + plotHeight))\" x2=\"\(Int(left + plotWidth))\" y2=\"\(Int(top + plotHeight))\" stroke=\"#333\"/>",
    ]
    for tick in 0...4 {
      let value = Int((maximum * Double(tick) / 4).rounded())
      svg.append(
        "<text x=\"\(Int(left - 6))\" y=\"\(Self.number(y(value) + 4))\" text-anchor=\"end\" font-size=\"10\">\(value)</text>"
      )
      svg.append(
        "<line x1=\"\(Int(left))\" y1=\"\(Self.number(y(value)))\" x2=\"\(Int(left + plotWidth))\" y2=\"\(Self.number(y(value)))\" stroke=\"#eee\"/>"
      )
    }
    for (index, group) in groups.enumerated() {
      svg.append(
        "<text x=\"\(Self.number(x(index)))\" y=\"\(Int(top + plotHeight + 16))\" text-anchor=\"middle\" font-size=\"10\">\(Self.html(group))</text>"
      )
    }
    for (index, row) in rows.enumerated() {
      let color = Self.palette[index % Self.palette.count]
      let points = row.counts.prefix(groups.count).enumerated().map {
        "\(Self.number(x($0.offset))),\(Self.number(y($0.element)))"
      }
      svg.append(
        "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>"
      )
      let legendY = top + Double(index) * 16
      svg.append(
        "<rect x=\"\(Int(left + plotWidth + 16))\" y=\"\(Self.number(legendY))\" width=\"10\" height=\"10\" fill=\"\(color)\"/>"
      )
      svg.append(
        "<text x=\"\(Int(left + plotWidth + 30))\" y=\"\(Self.number(legendY + 9))\" font-size=\"11\">\(Self.html(row.name.isEmpty ? row.key : row.name))</text>"
      )
    }
    svg.append(
      "<text x=\"\(Int(left + plotWidth / 2))\" y=\"\(height - 6)\" text-anchor=\"middle\" font-size=\"11\">month</text>"
    )
    svg.append("</svg>")
    return svg.joined(separator: "\n")
  }
}
