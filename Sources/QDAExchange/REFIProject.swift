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
    /// For each unit: each field's start offset and an offset map (original scalar
    /// offset → rendered offset, one past the end included).
    var fields: [String: [(field: String, start: Int, map: [Int])]]
    /// Each unit's whole text range.
    var ranges: [String: Range<Int>]
  }

  /// Renders a source's units as text.
  static func render(source: String, units: [ExportedUnit]) -> RenderedSource {
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
    return RenderedSource(
      name: source, guid: StableGUID.make("source:" + source),
      text: String(String.UnicodeScalarView(scalars)), fields: fields,
      ranges: ranges)
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
      start >= 0, end <= entry.map.count - 1, start < end
    {
      return (entry.start + entry.map[start])..<(entry.start + entry.map[end])
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
      func add(_ entry: String, _ data: Data) throws {
        try archive.addEntry(
          with: entry, type: .file, uncompressedSize: Int64(data.count),
          modificationDate: Date(timeIntervalSince1970: 1_577_836_800),
          compressionMethod: .deflate
        ) { position, size in
          data.subdata(in: Data.Index(position)..<Data.Index(position) + size)
        }
      }
      try add("project.qde", Data(xml.utf8))
      for source in sources {
        try add("sources/\(source.guid).txt", Data(source.text.utf8))
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
    let sourceOfUnit = Dictionary(
      uniqueKeysWithValues: units.map { ($0.id, $0.source) })
    let sourceByName = Dictionary(
      uniqueKeysWithValues: sources.map { ($0.name, $0) })
    let knownCodes = Set(codebook.codes.map(\.qualifiedID))

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
        for coding in codings
        where knownCodes.contains(coding.code)
          && sourceOfUnit[coding.unit] == source.name
        {
          guard let source = sourceByName[source.name],
            let range = selection(of: coding, in: source)
          else { continue }
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
