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
/// cases, chat messages and transcripts become `Case`s with their date and
/// attributes as variables; a source's `Description` names the kind of its
/// units and its speakers' roles (``SourceNotes``), so that qda's import
/// gives them back. GUIDs are derived from names, so exports are
/// reproducible.
public enum REFIProject {
  /// A text source rendered whole: what tests compare with the rendering
  /// as it was (the export renders unit by unit, with ``SourceRenderer``).
  struct RenderedSource {
    var name: String
    var guid: String
    var text: String
    /// Where each unit and its fields are.
    var placements: [String: UnitPlacement]

    /// Each unit's whole text range.
    var ranges: [String: Range<Int>] { placements.mapValues(\.range) }
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

  /// Where a unit is in its rendered source.
  struct UnitPlacement {
    /// The unit's text, after its header line.
    var range: Range<Int>
    /// Its fields, in order.
    var fields: [FieldPlacement]

    /// The selection of one of the unit's codings: the matched span when
    /// it is known and lies in its field, otherwise the unit's whole text.
    func selection(of coding: ExportedCoding) -> Range<Int> {
      if let field = coding.field, let start = coding.spanStart,
        let end = coding.spanEnd,
        let entry = fields.first(where: { $0.field == field }),
        start >= 0, end <= entry.length, start < end
      {
        return
          (entry.start + entry.rendered(start))..<(entry.start
          + entry.rendered(end))
      }
      return range
    }
  }

  /// Renders a source's units one after another, as its text file holds
  /// them: a `[UNIT-ID]` header line (with the speaker for turns), then the
  /// texts one per line, each after its name (`request: `) when the
  /// source's notes name its fields, blocks separated by a blank line, line
  /// ends as LF.
  struct SourceRenderer {
    /// The Unicode scalars rendered so far.
    private(set) var count = 0
    /// Whether fields start with their names.
    let labelsFields: Bool

    init(labelsFields: Bool = false) { self.labelsFields = labelsFields }

    /// Appends `unit`'s block to `text`.
    ///
    /// - Returns: Where the unit and its fields are.
    mutating func append(_ unit: ExportedUnit, to text: inout String)
      -> UnitPlacement
    {
      var count = self.count
      defer { self.count = count }
      func append(_ piece: String) {
        text += piece
        count += piece.unicodeScalars.count
      }
      if count > 0 { append("\n\n") }
      append("[\(unit.id)]" + (unit.speaker.map { " " + $0 } ?? "") + "\n")
      let unitStart = count
      var placements: [FieldPlacement] = []
      for (fieldIndex, field) in unit.texts.enumerated() {
        if fieldIndex > 0 { append("\n") }
        if labelsFields { append(SourceNotes.label(field.name)) }
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
      return UnitPlacement(range: unitStart..<count, fields: placements)
    }
  }

  /// Renders a source's units as text, whole.
  static func render(
    source: String, units: [ExportedUnit], labelsFields: Bool = false
  ) -> RenderedSource {
    var renderer = SourceRenderer(labelsFields: labelsFields)
    var text = ""
    var placements: [String: UnitPlacement] = [:]
    for unit in units {
      placements[unit.id] = renderer.append(unit, to: &text)
    }
    return RenderedSource(
      name: source, guid: sourceGUID(source), text: text,
      placements: placements)
  }

  /// The selection of a coding in its rendered source; `nil` when its unit
  /// is not there.
  static func selection(of coding: ExportedCoding, in source: RenderedSource)
    -> Range<Int>?
  {
    source.placements[coding.unit]?.selection(of: coding)
  }

  /// Writes a `.qdpx` of the whole database.
  ///
  /// The project is written part by part to scratch files as units and
  /// their codings are read, and zipped from there: memory stays flat
  /// however many units there are.
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
    try export(
      store: store, codebook: codebook, name: name, to: path, origin: origin,
      chunk: ScratchFile.chunk)
  }

  /// Writes a `.qdpx`, gathering `chunk` bytes of each part before writing
  /// them (tests write a byte at a time: the archive must not change).
  static func export(
    store: Store, codebook: Codebook, name: String, to path: String,
    origin: String, chunk: Int
  ) throws {
    let scratch = FileManager.default.temporaryDirectory
      .appendingPathComponent("qda-qdpx-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: scratch) }
    let parts: ProjectParts
    do {
      // The parts hold the texts: readable by this user only.
      try FileManager.default.createDirectory(
        at: scratch, withIntermediateDirectories: false,
        attributes: [.posixPermissions: 0o700])
      parts = try writeParts(
        store: store, codebook: codebook, name: name, origin: origin,
        in: scratch, chunk: chunk)
    } catch let error as StoreError {
      throw error
    } catch {
      throw ExchangeError.cannotWrite(path: path, reason: "\(error)")
    }
    let url = URL(fileURLWithPath: path)
    try? FileManager.default.removeItem(at: url)
    do {
      let archive = try Archive(url: url, accessMode: .create)
      func add(_ entry: String, _ files: [ScratchFile]) throws {
        let reader = ConcatenatedFiles(files)
        defer { reader.close() }
        try archive.addEntry(
          with: entry, type: .file, uncompressedSize: Int64(reader.size),
          modificationDate: Date(timeIntervalSince1970: 1_577_836_800),
          compressionMethod: .deflate
        ) { position, size in
          try reader.read(at: Int(position), count: size)
        }
      }
      try add("project.qde", parts.project)
      for source in parts.sources {
        try add("sources/\(source.guid).txt", [source.file])
      }
    } catch {
      throw ExchangeError.cannotWrite(path: path, reason: "\(error)")
    }
  }

  /// The files a `.qdpx` is zipped from: `project.qde` in pieces, and each
  /// source's text.
  struct ProjectParts {
    var project: [ScratchFile]
    var sources: [(guid: String, file: ScratchFile)]
  }

  /// Writes the parts of the project to files in `directory`, reading the
  /// units and their codings once.
  ///
  /// `project.qde` is three pieces: what comes before the cases (users,
  /// codebook, variables), known only once every unit is read; the cases;
  /// and the sources with their selections, which end the document.
  static func writeParts(
    store: Store, codebook: Codebook, name: String, origin: String,
    in directory: URL, chunk: Int
  ) throws -> ProjectParts {
    let knownCodes = Set(codebook.codes.map(\.qualifiedID))
    let casesFile = try ScratchFile(
      directory.appendingPathComponent("cases.xml"))
    let sourcesFile = try ScratchFile(
      directory.appendingPathComponent("sources.xml"))
    var cases = XMLText(fragmentAt: 1)
    var selections = XMLText(fragmentAt: 1)
    var sources: [(guid: String, file: ScratchFile)] = []
    // The source being written: its text, and its renderer.
    var source: (name: String, file: ScratchFile, renderer: SourceRenderer)?
    var text = ""
    var attributeNames: [String] = []
    var seenAttributes = Set<String>()
    var hasDates = false
    var seenTranscripts = Set<String>()
    var caseCount = 0

    func addCase(
      _ name: String, date: String?, attributes: [ExportedUnit.Field],
      source: String
    ) {
      if caseCount == 0 { cases.open("Cases") }
      caseCount += 1
      cases.open(
        "Case", [("guid", StableGUID.make("case:" + name)), ("name", name)])
      if let date {
        cases.open("VariableValue")
        cases.empty("VariableRef", [("targetGUID", variableGUID("date"))])
        cases.element("DateValue", date)
        cases.close("VariableValue")
      }
      for attribute in attributes {
        cases.open("VariableValue")
        cases.empty(
          "VariableRef", [("targetGUID", variableGUID(attribute.name))])
        cases.element("TextValue", attribute.value)
        cases.close("VariableValue")
      }
      cases.empty("SourceRef", [("targetGUID", sourceGUID(source))])
      cases.close("Case")
    }
    func endSource() throws {
      guard let current = source else { return }
      try current.file.write(text)
      text = ""
      try current.file.close()
      selections.close("TextSource")
      source = nil
    }

    let profiles = try store.sourceUnitProfiles()
    var guids = NameGUIDs()
    try store.exportUnitsWithCodings(.init()) { unit, codings in
      if source?.name != unit.source {
        try endSource()
        if sources.isEmpty { selections.open("Sources") }
        let guid = sourceGUID(unit.source)
        let file = try ScratchFile(
          directory.appendingPathComponent("source-\(sources.count).txt"))
        sources.append((guid, file))
        let notes = profiles[unit.source].map(SourceNotes.init(profile:))
        source = (
          unit.source, file,
          SourceRenderer(labelsFields: !(notes?.fields.isEmpty ?? true))
        )
        selections.open(
          "TextSource",
          [
            ("guid", guid), ("name", unit.source),
            ("plainTextPath", "internal://\(guid).txt"),
          ])
        if let notes, !notes.isEmpty {
          selections.element("Description", notes.text)
        }
      }
      hasDates = hasDates || unit.date != nil
      for attribute in unit.attributes
      where seenAttributes.insert(attribute.name).inserted {
        attributeNames.append(attribute.name)
      }
      // Cases: work-report cases and chat messages, each with its own date
      // and attributes, and one per transcript.
      if unit.kind == "case" || unit.kind == "message" {
        addCase(
          unit.id, date: unit.date, attributes: unit.attributes,
          source: unit.source)
      } else if seenTranscripts.insert(unit.source).inserted {
        addCase(
          unit.source, date: unit.date, attributes: unit.attributes,
          source: unit.source)
      }
      guard let placement = source?.renderer.append(unit, to: &text) else {
        return
      }
      for coding in codings where knownCodes.contains(coding.code) {
        writeSelection(
          of: coding, at: placement.selection(of: coding), guids: &guids,
          into: &selections)
      }
      if text.utf8.count >= chunk {
        try source?.file.write(text)
        text = ""
      }
      if cases.text.utf8.count >= chunk { try casesFile.write(cases.take()) }
      if selections.text.utf8.count >= chunk {
        try sourcesFile.write(selections.take())
      }
    }
    try endSource()
    if caseCount > 0 { cases.close("Cases") }
    if !sources.isEmpty { selections.close("Sources") }
    selections.close("Project")
    try casesFile.write(cases.take())
    try casesFile.close()
    try sourcesFile.write(selections.take())
    try sourcesFile.close()

    let headFile = try ScratchFile(directory.appendingPathComponent("head.xml"))
    try headFile.write(
      try head(
        store: store, codebook: codebook, name: name, origin: origin,
        hasDates: hasDates, attributeNames: attributeNames))
    try headFile.close()
    return ProjectParts(
      project: [headFile, casesFile, sourcesFile], sources: sources)
  }

  /// `project.qde` up to its cases: the project, its users (the coders),
  /// the codebook, and the variables (the date, and every attribute as
  /// text).
  private static func head(
    store: Store, codebook: Codebook, name: String, origin: String,
    hasDates: Bool, attributeNames: [String]
  ) throws -> String {
    let coders = try store.coders()
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
    return xml.text
  }

  /// The GUIDs of coders and codes, each hashed once: a selection names
  /// both, its own GUIDs are new (a tenth of exporting a million units
  /// went to hashing names, three of every five hashes for these).
  struct NameGUIDs {
    private var users: [String: String] = [:]
    private var codes: [String: String] = [:]

    mutating func user(_ coder: String) -> String {
      if let guid = users[coder] { return guid }
      let guid = userGUID(coder)
      users[coder] = guid
      return guid
    }

    mutating func code(_ code: String) -> String {
      if let guid = codes[code] { return guid }
      let guid = REFICodebook.guid(code: code)
      codes[code] = guid
      return guid
    }
  }

  /// A coding as a `PlainTextSelection` of its source.
  private static func writeSelection(
    of coding: ExportedCoding, at range: Range<Int>,
    guids: inout NameGUIDs, into xml: inout XMLText
  ) {
    let key = "\(coding.unit)|\(coding.code)|\(coding.coder)"
    let user = guids.user(coding.coder)
    xml.open(
      "PlainTextSelection",
      [
        ("guid", StableGUID.make("selection:" + key)),
        ("name", coding.unit),
        ("startPosition", String(range.lowerBound)),
        ("endPosition", String(range.upperBound)),
        ("creatingUser", user),
      ])
    if let memo = coding.memo { xml.element("Description", memo) }
    xml.open(
      "Coding",
      [
        ("guid", StableGUID.make("coding:" + key)), ("creatingUser", user),
      ])
    xml.empty("CodeRef", [("targetGUID", guids.code(coding.code))])
    xml.close("Coding")
    xml.close("PlainTextSelection")
  }

  static func sourceGUID(_ source: String) -> String {
    StableGUID.make("source:" + source)
  }

  static func userGUID(_ coder: String) -> String {
    StableGUID.make("user:" + coder)
  }
  static func variableGUID(_ name: String) -> String {
    StableGUID.make("variable:" + name)
  }
}
