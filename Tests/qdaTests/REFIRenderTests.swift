import Foundation
import QDATestSupport
import Testing

@testable import QDAExchange
@testable import QDAStore

/// A `.qdpx` source keeps, per field, only where its CR LF pairs are
/// instead of an offset map per character: texts and selections must be
/// what the map gave.
@Suite struct REFIRenderTests {
  /// The rendering as it was, with an offset per character.
  enum Reference {
    /// A text source as rendered, with where each unit's texts are.
    struct Rendered {
      var name: String
      var guid: String
      var text: String
      /// For each unit: each field's start offset and an offset map (original scalar
      /// offset → rendered offset, one past the end included).
      var fields: [String: [(field: String, start: Int, map: [Int])]]
      /// Each unit's whole text range.
      var ranges: [String: Range<Int>]
    }

    /// Renders a source's units as text.
    static func render(source: String, units: [ExportedUnit]) -> Rendered {
      var scalars: [Unicode.Scalar] = []
      var fields: [String: [(String, Int, [Int])]] = [:]
      var ranges: [String: Range<Int>] = [:]
      func append(_ text: String) {
        scalars.append(contentsOf: text.unicodeScalars)
      }
      for (index, unit) in units.enumerated() {
        if index > 0 { append("\n\n") }
        append("[\(unit.id)]" + (unit.speaker.map { " " + $0 } ?? "") + "\n")
        let unitStart = scalars.count
        var entries: [(String, Int, [Int])] = []
        for (fieldIndex, field) in unit.texts.enumerated() {
          if fieldIndex > 0 { append("\n") }
          let start = scalars.count
          // Line ends become LF; the map keeps original offsets usable.
          let original = Array(field.value.unicodeScalars)
          var map: [Int] = []
          var position = 0
          while position < original.count {
            map.append(scalars.count - start)
            let scalar = original[position]
            if scalar == "\r" {
              if position + 1 < original.count, original[position + 1] == "\n" {
                map.append(scalars.count - start)
                position += 1
              }
              scalars.append("\n")
            } else {
              scalars.append(scalar)
            }
            position += 1
          }
          map.append(scalars.count - start)
          entries.append((field.name, start, map))
        }
        fields[unit.id] = entries
        ranges[unit.id] = unitStart..<scalars.count
      }
      return Rendered(
        name: source, guid: "",
        text: String(String.UnicodeScalarView(scalars)), fields: fields,
        ranges: ranges)
    }

    /// The selection of a coding in its rendered source.
    static func selection(of coding: ExportedCoding, in source: Rendered)
      -> Range<Int>?
    {
      guard let whole = source.ranges[coding.unit] else { return nil }
      if let field = coding.field, let start = coding.spanStart,
        let end = coding.spanEnd,
        let entry = source.fields[coding.unit]?.first(where: {
          $0.field == field
        }
        ),
        start >= 0, end <= entry.map.count - 1, start < end
      {
        return (entry.start + entry.map[start])..<(entry.start + entry.map[end])
      }
      return whole
    }
  }

  @Test func sourcesAndSelectionsAreWhatTheOffsetMapGave() {
    let pieces = ["a", "б", "🙂", "\r", "\n", "\r\n", " ", "\r\r\n", "\n\r"]
    var generator = SeededGenerator(seed: 2026_11_21)
    for _ in 0..<200 {
      let units = (0..<Int.random(in: 1...6, using: &generator)).map { index in
        ExportedUnit(
          id: "U\(index)", source: "s", kind: "turn",
          speaker: Bool.random(using: &generator) ? "Аня" : nil,
          role: nil, startTime: nil, endTime: nil, date: nil,
          texts: (0..<Int.random(in: 0...3, using: &generator)).map { field in
            .init(
              name: "f\(field)",
              value: generator.text(of: pieces, counts: 0...10))
          },
          attributes: [])
      }
      let rendered = REFIProject.render(source: "s", units: units)
      let reference = Reference.render(source: "s", units: units)
      #expect(rendered.text == reference.text)
      #expect(rendered.ranges == reference.ranges)
      for unit in units {
        for _ in 0..<10 {
          let start = Int.random(in: -1...12, using: &generator)
          let coding = ExportedCoding(
            unit: unit.id, code: "c", coder: "auto", rule: nil,
            codebookHash: nil,
            field: Bool.random(using: &generator)
              ? "f\(Int.random(in: 0...3, using: &generator))" : nil,
            spanStart: start,
            spanEnd: start + Int.random(in: -1...8, using: &generator),
            memo: nil)
          #expect(
            REFIProject.selection(of: coding, in: rendered)
              == Reference.selection(of: coding, in: reference),
            "\(unit) \(coding)")
        }
      }
    }
  }

  /// GUIDs are derived from names and must never change: a project exported
  /// again must name the same things the same way. (Values from Python's
  /// `hashlib`, by the same recipe.)
  @Test func guidsAreTheFirstSixteenBytesOfTheNamesHash() {
    #expect(
      StableGUID.make("source:worker-2")
        == "926b5937-b91e-529b-9b1b-2eccf04a2497")
    #expect(
      StableGUID.make("code:hybrid.overdose")
        == "a868a45a-570f-5b5d-92ee-1c65951b98d1")
    #expect(
      StableGUID.make("user:anna") == "ed91e8c1-42a3-5c38-8f96-47aa2c360036")
    #expect(StableGUID.make("Ёж") == "e052bde1-00e1-5d3b-8fb5-0f277c3228b7")
  }

  /// Values with nothing to escape are handed back as they are; the others
  /// escaped as before, on random values.
  @Test func xmlEscapingSkipsOnlyWhatNeedsNothing() {
    func reference(_ value: String) -> String {
      var result = ""
      for scalar in value.unicodeScalars {
        switch scalar {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\"": result += "&quot;"
        case "'": result += "&apos;"
        case "\n": result += "&#10;"
        case "\r": result += "&#13;"
        case "\t": result += "&#9;"
        case _ where scalar.value < 0x20: continue
        default: result.unicodeScalars.append(scalar)
        }
      }
      return result
    }
    let pieces = [
      "a", "Ж", "🙂", "&", "<", ">", "\"", "'", "\n", "\r", "\t", "\u{1}",
      "\u{7f}",
    ]
    var generator = SeededGenerator(seed: 2026_11_21)
    for _ in 0..<3_000 {
      let value = generator.text(of: pieces, counts: 0...6)
      #expect(
        XMLText.escape(value) == reference(value), "\(value.debugDescription)")
    }
  }
}
