import Foundation
import QDACodebook
import QDAStore
import ZIPFoundation

/// Errors of REFI-QDA exchange.
public enum ExchangeError: Error, Sendable, CustomStringConvertible {
  /// The `.qdpx` could not be written.
  case cannotWrite(path: String, reason: String)
  /// The `.qdpx` is not a readable project.
  case invalidProject(path: String, reason: String)

  public var description: String {
    switch self {
    case .cannotWrite(let path, let reason):
      return "\(path): error: cannot write (\(reason))"
    case .invalidProject(let path, let reason):
      return "\(path): error: not a REFI-QDA project: \(reason)"
    }
  }
}

/// REFI-QDA projects (`.qdpx`: a ZIP of `project.qde` and `sources/<guid>.txt`).
///
/// Users are the coders; the codebook nests codes under their themes; every
/// imported file is one text source, its units rendered one block each (a
/// `[UNIT-ID]` header line, with the speaker for turns, then the texts;
/// blocks separated by a blank line; LF line ends); every coding is a
/// `PlainTextSelection` (the matched span where known, otherwise the unit's
/// text) with positions in Unicode code points, end exclusive. Work-report
/// cases and transcripts become `Case`s with their date and attributes as
/// variables. GUIDs are derived from names, so exports are reproducible.
public enum REFIProject {
  /// A text source as rendered, with where each unit's texts are.
  struct RenderedSource {
    var name: String
    var guid: String
    var text: String
    /// For each unit, where each of its fields is.
    var fields: [String: [FieldPlacement]]
    /// Each unit's whole text range.
    var ranges: [String: Range<Int>]
  }

  /// Where a unit's field is in its rendered source, and how its offsets
  /// move: a CR LF line end is rendered as one LF.
  ///
  /// Only the pairs are kept, not an offset per character: a million
  /// units' maps took gigabytes.
  struct FieldPlacement {
    /// The field's name.
    var field: String
    /// The rendered offset of its first character.
    var start: Int
    /// Its length in the original text, in Unicode scalars.
    var length: Int
    /// The original offsets of the CRs of its CR LF pairs, ascending.
    var pairs: [Int]

    /// The rendered offset, from the field's start, of the original offset
    /// `offset` (`0...length`): the LF of a pair falls where its CR does.
    func rendered(_ offset: Int) -> Int {
      var dropped = 0
      while dropped < pairs.count, pairs[dropped] < offset { dropped += 1 }
      return offset - dropped
    }
  }

  /// Renders a source's units as text.
  static func render(source: String, units: [ExportedUnit]) -> RenderedSource {
    var text = ""
    var count = 0
    var fields: [String: [FieldPlacement]] = [:]
    var ranges: [String: Range<Int>] = [:]
    func append(_ piece: String) {
      text += piece
      count += piece.unicodeScalars.count
    }
    for (index, unit) in units.enumerated() {
      if index > 0 { append("\n\n") }
      append("[\(unit.id)]" + (unit.speaker.map { " " + $0 } ?? "") + "\n")
      let unitStart = count
      var placements: [FieldPlacement] = []
      for (fieldIndex, field) in unit.texts.enumerated() {
        if fieldIndex > 0 { append("\n") }
        var placement = FieldPlacement(
          field: field.name, start: count, length: 0, pairs: [])
        // Line ends become LF; the pairs keep original offsets usable.
        if field.value.utf8.contains(UInt8(ascii: "\r")) {
          var scalars = String.UnicodeScalarView()
          var previousWasCR = false
          for (offset, scalar) in field.value.unicodeScalars.enumerated() {
            placement.length += 1
            if scalar == "\n", previousWasCR {
              placement.pairs.append(offset - 1)
            } else {
              scalars.append(scalar == "\r" ? "\n" : scalar)
            }
            previousWasCR = scalar == "\r"
          }
          append(String(scalars))
        } else {
          placement.length = field.value.unicodeScalars.count
          append(field.value)
        }
        placements.append(placement)
      }
      fields[unit.id] = placements
      ranges[unit.id] = unitStart..<count
    }
    return RenderedSource(
      name: source, guid: StableGUID.make("source:" + source), text: text,
      fields: fields, ranges: ranges)
  }

  /// The selection of a coding in its rendered source.
  static func selection(of coding: ExportedCoding, in source: RenderedSource)
    -> Range<Int>?
  {
    guard let whole = source.ranges[coding.unit] else { return nil }
    if let field = coding.field, let start = coding.spanStart,
      let end = coding.spanEnd,
      let entry = source.fields[coding.unit]?.first(where: { $0.field == field }
      ),
      start >= 0, end <= entry.length, start < end
    {
      return
        (entry.start + entry.rendered(start))..<(entry.start
        + entry.rendered(end))
    }
    return whole
  }

  /// Writes a `.qdpx` of the whole database.
  ///
  /// - Parameters:
  ///   - store: The database.
  ///   - codebook: The codebook of the codings (its codes become the project's).
  ///   - name: The project name.
  ///   - path: The `.qdpx` to write.
  ///   - origin: The exporting program, for `Project@origin`.
  /// - Throws: `ExchangeError` or `StoreError`.
  public static func export(
    store: Store, codebook: Codebook, name: String, to path: String,
    origin: String
  ) throws {
    let (xml, sources) = try document(
      store: store, codebook: codebook, name: name, origin: origin)
    let url = URL(fileURLWithPath: path)
    try? FileManager.default.removeItem(at: url)
    do {
      let archive = try Archive(url: url, accessMode: .create)
      // Each entry is read from the text's own UTF-8 storage, a piece at a
      // time, never copied whole.
      func add(_ entry: String, _ text: String) throws {
        var text = text
        try text.withUTF8 { bytes in
          try archive.addEntry(
            with: entry, type: .file, uncompressedSize: Int64(bytes.count),
            modificationDate: Date(timeIntervalSince1970: 1_577_836_800),
            compressionMethod: .deflate
          ) { position, size in
            Data(
              UnsafeBufferPointer(
                rebasing: bytes[Int(position)..<Int(position) + size]))
          }
        }
      }
      try add("project.qde", xml)
      for source in sources {
        try add("sources/\(source.guid).txt", source.text)
      }
    } catch {
      throw ExchangeError.cannotWrite(path: path, reason: "\(error)")
    }
  }

  /// The `project.qde` text and the rendered sources.
  static func document(
    store: Store, codebook: Codebook, name: String, origin: String
  ) throws -> (String, [RenderedSource]) {
    let units = try store.exportedUnits(.init())
    let codings = try store.exportedCodings(coder: nil, filter: .init())
    let coders = try store.coders()
    var sourceOrder: [String] = []
    var unitsBySource: [String: [ExportedUnit]] = [:]
    for unit in units {
      if unitsBySource[unit.source] == nil { sourceOrder.append(unit.source) }
      unitsBySource[unit.source, default: []].append(unit)
    }
    let sources = sourceOrder.map {
      render(source: $0, units: unitsBySource[$0] ?? [])
    }
    // Each source's codings of the codebook's codes, in export order: one
    // pass, not one per source.
    let sourceOfUnit = Dictionary(
      uniqueKeysWithValues: units.map { ($0.id, $0.source) })
    let knownCodes = Set(codebook.codes.map(\.qualifiedID))
    var codingsBySource: [String: [ExportedCoding]] = [:]
    for coding in codings where knownCodes.contains(coding.code) {
      if let source = sourceOfUnit[coding.unit] {
        codingsBySource[source, default: []].append(coding)
      }
    }

    var xml = XMLText()
    xml.open(
      "Project",
      [
        ("xmlns", "urn:QDA-XML:project:1.0"), ("name", name),
        ("origin", origin),
      ])
    if !coders.isEmpty {
      xml.open("Users")
      for coder in coders {
        xml.empty("User", [("guid", userGUID(coder)), ("name", coder)])
      }
      xml.close("Users")
    }
    xml.open("CodeBook")
    REFICodebook.writeCodes(codebook, into: &xml)
    xml.close("CodeBook")

    // Variables: the date, and every attribute (text).
    var attributeNames: [String] = []
    for unit in units {
      for attribute in unit.attributes
      where !attributeNames.contains(attribute.name) {
        attributeNames.append(attribute.name)
      }
    }
    let hasDates = units.contains { $0.date != nil }
    if hasDates || !attributeNames.isEmpty {
      xml.open("Variables")
      if hasDates {
        xml.empty(
          "Variable",
          [
            ("guid", variableGUID("date")), ("name", "date"),
            ("typeOfVariable", "Date"),
          ])
      }
      for attribute in attributeNames {
        xml.empty(
          "Variable",
          [
            ("guid", variableGUID(attribute)), ("name", attribute),
            ("typeOfVariable", "Text"),
          ])
      }
      xml.close("Variables")
    }
    // Cases: work-report cases, and one per transcript.
    var cases:
      [(
        name: String, date: String?, attributes: [ExportedUnit.Field],
        source: String
      )] = []
    var seenTranscripts = Set<String>()
    for unit in units {
      if unit.kind == "case" {
        cases.append((unit.id, unit.date, unit.attributes, unit.source))
      } else if seenTranscripts.insert(unit.source).inserted {
        cases.append((unit.source, unit.date, unit.attributes, unit.source))
      }
    }
    if !cases.isEmpty {
      xml.open("Cases")
      for item in cases {
        xml.open(
          "Case",
          [("guid", StableGUID.make("case:" + item.name)), ("name", item.name)])
        if let date = item.date {
          xml.open("VariableValue")
          xml.empty("VariableRef", [("targetGUID", variableGUID("date"))])
          xml.element("DateValue", date)
          xml.close("VariableValue")
        }
        for attribute in item.attributes {
          xml.open("VariableValue")
          xml.empty(
            "VariableRef", [("targetGUID", variableGUID(attribute.name))])
          xml.element("TextValue", attribute.value)
          xml.close("VariableValue")
        }
        xml.empty(
          "SourceRef",
          [("targetGUID", StableGUID.make("source:" + item.source))])
        xml.close("Case")
      }
      xml.close("Cases")
    }
    if !sources.isEmpty {
      xml.open("Sources")
      for source in sources {
        xml.open(
          "TextSource",
          [
            ("guid", source.guid), ("name", source.name),
            ("plainTextPath", "internal://\(source.guid).txt"),
          ])
        for coding in codingsBySource[source.name] ?? [] {
          guard let range = selection(of: coding, in: source) else { continue }
          let key = "\(coding.unit)|\(coding.code)|\(coding.coder)"
          xml.open(
            "PlainTextSelection",
            [
              ("guid", StableGUID.make("selection:" + key)),
              ("name", coding.unit),
              ("startPosition", String(range.lowerBound)),
              ("endPosition", String(range.upperBound)),
              ("creatingUser", userGUID(coding.coder)),
            ])
          if let memo = coding.memo { xml.element("Description", memo) }
          xml.open(
            "Coding",
            [
              ("guid", StableGUID.make("coding:" + key)),
              ("creatingUser", userGUID(coding.coder)),
            ])
          xml.empty(
            "CodeRef", [("targetGUID", REFICodebook.guid(code: coding.code))])
          xml.close("Coding")
          xml.close("PlainTextSelection")
        }
        xml.close("TextSource")
      }
      xml.close("Sources")
    }
    xml.close("Project")
    return (xml.text, sources)
  }

  static func userGUID(_ coder: String) -> String {
    StableGUID.make("user:" + coder)
  }
  static func variableGUID(_ name: String) -> String {
    StableGUID.make("variable:" + name)
  }
}
