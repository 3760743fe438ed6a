import Crypto
import Foundation
import QDAImport
import QDAStore
import ZIPFoundation

/// Reads REFI-QDA projects (`.qdpx`) made by qda or another tool.
///
/// The codebook's codable codes become codes (`theme.code`; the `qda-id:` line
/// of a description when qda wrote it, otherwise names made into ids, the
/// parent code being the theme); each text source becomes a source whose
/// units are its blocks (qda's `[UNIT-ID]` blocks keep their ids; other
/// tools' paragraphs become `SOURCE:N`, and qda's take their kind and their
/// speakers' roles from the source's ``SourceNotes``); the variables of
/// cases and sources give units their dates and attributes (``REFICases``);
/// each coding is kept for the user who made it, on the unit where its
/// selection starts.
public enum REFIImport {
  /// What a project holds, ready for the store.
  public struct Project {
    /// The project's name.
    public var name: String
    /// The sources with their units.
    public var sources: [(source: SourceDraft, units: [UnitDraft])]
    /// The codebook.
    public var codebook: CodebookDraft
    /// The codings.
    public var codings: [ProjectCoding]
  }

  /// Reads a `.qdpx` file, or an unzipped project folder.
  ///
  /// - Throws: `ExchangeError.invalidProject`.
  /// The most one entry of an archive may hold once decompressed.
  public static let maximumEntryBytes: UInt64 = 256 << 20
  /// The most all entries together may hold.
  public static let maximumArchiveBytes: UInt64 = 512 << 20
  /// How long decompression may go without producing a byte.
  static let stallLimit: TimeInterval = 5

  /// Every file entry of a `.qdpx`, decompressed, refusing archives that
  /// would not fit in memory (zip bombs) or whose data never ends.
  ///
  /// ZIPFoundation waits for more input forever when a deflate stream is
  /// cut short; each entry is therefore decompressed on another thread and
  /// given up when it stalls. (The stalled work spins until the process
  /// ends, which for `qda` is at once: the import fails.)
  static func extractAll(_ path: String) throws -> [String: Data] {
    func invalid(_ reason: String) -> ExchangeError {
      ExchangeError.invalidProject(path: path, reason: reason)
    }
    let archive: Archive
    do {
      archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
    } catch {
      throw invalid("not a ZIP archive (\(error))")
    }
    var files: [String: Data] = [:]
    var total: UInt64 = 0
    for entry in archive where entry.type == .file {
      let declared = UInt64(entry.uncompressedSize)
      total += declared
      if declared > maximumEntryBytes || total > maximumArchiveBytes {
        throw invalid(
          "'\(entry.path)' would take \(declared >> 20) MiB decompressed; "
            + "entries are limited to \(maximumEntryBytes >> 20) MiB and archives to "
            + "\(maximumArchiveBytes >> 20) MiB")
      }
      let extraction = Extraction(limit: declared)
      let done = DispatchSemaphore(value: 0)
      let job = UncheckedArchive(archive: archive, entry: entry)
      DispatchQueue.global().async {
        do {
          _ = try job.archive.extract(job.entry) { try extraction.append($0) }
        } catch {
          extraction.fail(error)
        }
        done.signal()
      }
      while done.wait(timeout: .now() + 0.5) == .timedOut {
        if extraction.secondsSinceProgress > stallLimit {
          throw invalid(
            "'\(entry.path)' does not decompress: its data ends early")
        }
      }
      if let error = extraction.error {
        throw invalid("'\(entry.path)' does not decompress (\(error))")
      }
      files[entry.path] = extraction.data
    }
    return files
  }

  public static func read(path: String) throws -> Project {
    var isDirectory: ObjCBool = false
    guard
      FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
    else {
      throw ExchangeError.invalidProject(path: path, reason: "no such file")
    }
    var files: [String: Data] = [:]
    if isDirectory.boolValue {
      let base = URL(fileURLWithPath: path)
      let enumerator = FileManager.default.enumerator(
        at: base, includingPropertiesForKeys: nil)
      while let url = enumerator?.nextObject() as? URL {
        let relative = url.path.replacingOccurrences(
          of: base.path + "/", with: "")
        if let data = FileManager.default.contents(atPath: url.path) {
          files[relative] = data
        }
      }
    } else {
      files = try extractAll(path)
    }
    guard
      let qde = files.first(where: {
        $0.key.lowercased().hasSuffix("project.qde")
      })?.value
    else {
      throw ExchangeError.invalidProject(
        path: path, reason: "no project.qde inside")
    }
    let root: XMLNode
    do {
      root = try XMLNode.parse(qde)
    } catch is XMLNode.NotUTF8 {
      throw ExchangeError.invalidProject(
        path: path, reason: "project.qde is not UTF-8")
    } catch is XMLNode.HasDocumentType {
      throw ExchangeError.invalidProject(
        path: path,
        reason:
          "project.qde declares a document type (<!DOCTYPE>), which REFI-QDA projects do not have"
      )
    } catch is XMLNode.TooDeep {
      throw ExchangeError.invalidProject(
        path: path,
        reason:
          "project.qde nests elements deeper than \(XMLNode.maximumDepth) levels"
      )
    } catch {
      throw ExchangeError.invalidProject(
        path: path, reason: "project.qde is not well-formed XML")
    }
    guard root.name == "Project" else {
      throw ExchangeError.invalidProject(
        path: path, reason: "the root element is not Project")
    }
    return try project(
      root, files: files, path: path, hash: SHA256.hash(data: qde).hexString)
  }

  static func project(
    _ root: XMLNode, files: [String: Data], path: String, hash: String
  ) throws -> Project {
    let name = root.attributes["name"] ?? "project"
    var users: [String: String] = [:]
    for user in root.first("Users")?.all("User") ?? [] {
      if let guid = user.attributes["guid"] {
        users[guid.lowercased()] = user.attributes["name"] ?? guid
      }
    }
    // Codes.
    var entries: [CodebookDraft.CodeEntry] = []
    var codeByGUID: [String: String] = [:]
    func qdaID(_ node: XMLNode) -> String? {
      guard let description = node.first("Description")?.text else {
        return nil
      }
      return description.split(separator: "\n").last {
        $0.hasPrefix("qda-id: ")
      }
      .map { String($0.dropFirst("qda-id: ".count)) }
    }
    func walk(_ node: XMLNode, theme: (id: String, name: String)?) {
      let codeName = node.attributes["name"] ?? "code"
      let isCodable = node.attributes["isCodable"] != "false"
      let children = node.all("Code")
      if isCodable {
        let themeInfo = theme ?? ("codes", "Codes")
        let id = qdaID(node) ?? themeInfo.id + "." + slug(codeName)
        if let guid = node.attributes["guid"] {
          codeByGUID[guid.lowercased()] = id
        }
        entries.append(
          .init(
            id: id, theme: themeInfo.id, themeName: themeInfo.name,
            name: codeName))
      }
      let childTheme = theme ?? (qdaID(node) ?? slug(codeName), codeName)
      for child in children { walk(child, theme: childTheme) }
    }
    for code in root.first("CodeBook")?.first("Codes")?.all("Code") ?? [] {
      walk(code, theme: nil)
    }
    // Sources, their blocks and codings.
    var read:
      [(
        node: XMLNode, name: String, text: String, blocks: [Block],
        notes: SourceNotes, fields: [[BlockField]]
      )] = []
    var selections: [String: REFICases.Place] = [:]
    var codings: [ProjectCoding] = []
    var usedNames = Set<String>()
    for source in root.first("Sources")?.all("TextSource") ?? [] {
      let guid = source.attributes["guid"] ?? UUID().uuidString
      var sourceName = URL(fileURLWithPath: source.attributes["name"] ?? guid)
        .deletingPathExtension().lastPathComponent
      while !usedNames.insert(sourceName).inserted { sourceName += "-2" }
      guard let text = sourceText(source, files: files) else {
        throw ExchangeError.invalidProject(
          path: path, reason: "the text of source '\(sourceName)' is missing")
      }
      let blocks = Self.blocks(text, source: sourceName)
      let notes = SourceNotes(description: source.first("Description")?.text)
      let fields = blocks.map { Self.fields(of: $0, notes: notes) }
      for selection in source.all("PlainTextSelection") {
        guard let start = Int(selection.attributes["startPosition"] ?? ""),
          let end = Int(selection.attributes["endPosition"] ?? "")
        else { continue }
        if let guid = selection.attributes["guid"]?.lowercased(), start >= 0 {
          selections[guid] = REFICases.Place(
            source: read.count, range: start..<max(start, end))
        }
        guard
          let index = Self.block(startingSelectionAt: start, in: blocks)
        else { continue }
        let block = blocks[index]
        // The field the selection starts in, and the span within it; none
        // when it is the unit's whole text (as qda writes a coding without
        // a span).
        let offset = start - block.textStart
        let field =
          fields[index].last { $0.range.lowerBound <= offset }
          ?? fields[index][0]
        let lower = min(
          max(0, offset - field.range.lowerBound), field.range.count)
        let upper = min(
          field.range.count,
          max(lower, end - block.textStart - field.range.lowerBound))
        let isWhole = offset <= 0 && end >= block.range.upperBound
        let span = !isWhole && lower < upper ? lower..<upper : nil
        for coding in selection.all("Coding") {
          guard
            let target = coding.first("CodeRef")?.attributes["targetGUID"]?
              .lowercased(),
            let code = codeByGUID[target]
          else { continue }
          let user =
            coding.attributes["creatingUser"]
            ?? selection.attributes["creatingUser"]
          let coder = user.flatMap { users[$0.lowercased()] } ?? "imported"
          codings.append(
            ProjectCoding(
              unit: block.id, code: code, coder: coder,
              field: span == nil ? nil : field.name, span: span,
              memo: selection.first("Description")?.text))
        }
      }
      read.append((source, sourceName, text, blocks, notes, fields))
    }
    // Units: the blocks with the kind, roles, dates and attributes the
    // project gives them.
    let cases = REFICases(
      root: root, sources: read.map { ($0.node, $0.blocks) },
      selections: selections)
    var sources: [(SourceDraft, [UnitDraft])] = []
    for (sourceIndex, source) in read.enumerated() {
      let notes = source.notes
      let units = source.blocks.enumerated().map { blockIndex, block in
        let kind =
          block.isQDA
          ? (notes.kind ?? (block.speaker == nil ? "case" : "turn"))
          : (block.speaker == nil ? "block" : "turn")
        let role = notes.role(of: block.speaker)
        let facts = cases.facts(source: sourceIndex, block: blockIndex)
        return UnitDraft(
          id: block.id, kind: kind, date: facts.date, speaker: block.speaker,
          role: role,
          texts: source.fields[blockIndex].map { ($0.name, $0.text) },
          attributes: facts.attributes,
          contentHash: Self.contentHash(
            of: block, kind: kind, role: role,
            fields: source.fields[blockIndex], facts: facts))
      }
      sources.append(
        (
          SourceDraft(
            name: source.name, path: path, kind: "qdpx",
            contentHash: SHA256.hash(data: Array(source.text.utf8)).hexString,
            settings: "qdpx"),
          units
        ))
    }
    let codebook = CodebookDraft(
      hash: hash, id: slug(name), title: name, version: "imported", path: path,
      codes: entries)
    return Project(
      name: name, sources: sources, codebook: codebook, codings: codings)
  }

  /// The plain text of a source: inline, or the internal file it names.
  static func sourceText(_ source: XMLNode, files: [String: Data]) -> String? {
    if let inline = source.first("PlainTextContent")?.text { return inline }
    guard var reference = source.attributes["plainTextPath"] else { return nil }
    if reference.hasPrefix("internal://") {
      reference.removeFirst("internal://".count)
    }
    let wanted = "sources/" + reference.lowercased()
    guard
      let data = files.first(where: { $0.key.lowercased() == wanted })?.value
    else { return nil }
    return String(decoding: data, as: UTF8.self)
      .replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(
        of: "\r", with: "\n")
  }

  /// A block of a source's text.
  struct Block {
    var id: String
    var speaker: String?
    var text: String
    /// The block's range, header included, in code points.
    var range: Range<Int>
    /// Where the text (after a header) starts.
    var textStart: Int
    var isQDA: Bool
  }

  /// A text field of a block: its name, its text, and where the text is
  /// in the block's, in Unicode scalars.
  struct BlockField {
    var name: String
    var text: String
    var range: Range<Int>
  }

  /// A block's fields: those its labels start, when it is qda's and its
  /// source's notes name fields; otherwise its whole text as `text`.
  static func fields(of block: Block, notes: SourceNotes) -> [BlockField] {
    guard block.isQDA, let fields = notes.fields(of: block.text) else {
      return [
        BlockField(
          name: "text", text: block.text,
          range: 0..<block.text.unicodeScalars.count)
      ]
    }
    let scalars = Array(block.text.unicodeScalars)
    return fields.map { field in
      BlockField(
        name: field.name,
        text: String(String.UnicodeScalarView(scalars[field.range])),
        range: field.range)
    }
  }

  /// Splits text into blocks at blank lines; qda's `[UNIT-ID] Speaker` headers give ids.
  static func blocks(_ text: String, source: String) -> [Block] {
    let scalars = Array(text.unicodeScalars)
    var blocks: [Block] = []
    var lineStart = 0
    var blockStart: Int?
    var lines: [(start: Int, end: Int)] = []
    func flush() {
      guard let first = lines.first, let last = lines.last else { return }
      let firstLine = String(
        String.UnicodeScalarView(scalars[first.start..<first.end]))
      var id = "\(source):\(blocks.count + 1)"
      var speaker: String?
      var textStart = first.start
      var isQDA = false
      if firstLine.hasPrefix("["), let close = firstLine.firstIndex(of: "]") {
        id = String(
          firstLine[firstLine.index(after: firstLine.startIndex)..<close])
        let rest = firstLine[firstLine.index(after: close)...]
          .trimmingCharacters(in: .whitespaces)
        speaker = rest.isEmpty ? nil : rest
        // After the header's line break, where qda writes the text, even
        // when there is none (a voice message).
        textStart =
          lines.count > 1 ? lines[1].start : min(first.end + 1, scalars.count)
        isQDA = true
      }
      let body = String(
        String.UnicodeScalarView(scalars[min(textStart, last.end)..<last.end]))
      // In qda's own sources, a paragraph without a header continues the turn before it.
      if !isQDA, let previous = blocks.last, previous.isQDA {
        blocks[blocks.count - 1].text = String(
          String.UnicodeScalarView(scalars[previous.textStart..<last.end]))
        blocks[blocks.count - 1].range = previous.range.lowerBound..<last.end
        lines = []
        blockStart = nil
        return
      }
      blocks.append(
        Block(
          id: id, speaker: speaker, text: body,
          range: first.start..<max(last.end, textStart), textStart: textStart,
          isQDA: isQDA))
      lines = []
      blockStart = nil
    }
    var index = 0
    while index <= scalars.count {
      if index == scalars.count || scalars[index] == "\n" {
        let isBlank = index == lineStart
        if isBlank {
          flush()
        } else {
          if blockStart == nil { blockStart = lineStart }
          lines.append((lineStart, index))
        }
        lineStart = index + 1
      }
      index += 1
    }
    flush()
    return blocks
  }

  /// Lowercase letters and digits joined by `-`.
  static func slug(_ text: String) -> String {
    var result = ""
    var pendingDash = false
    for character in text.lowercased() {
      if character.isLetter || character.isNumber {
        if pendingDash, !result.isEmpty { result += "-" }
        result.append(character)
        pendingDash = false
      } else {
        pendingDash = true
      }
    }
    return result.isEmpty ? "code" : result
  }
}

extension Sequence where Element == UInt8 {
  /// Lowercase hexadecimal.
  var hexString: String { map { String(format: "%02x", $0) }.joined() }
}

/// An archive and one of its entries, handed to the thread that extracts it
/// (which alone uses the archive until it is done or given up on).
private struct UncheckedArchive: @unchecked Sendable {
  let archive: Archive
  let entry: Entry
}

/// The bytes of one entry as they are decompressed, and when the last came.
private final class Extraction: @unchecked Sendable {
  private let lock = NSLock()
  private var bytes = Data()
  private var last = Date()
  private var failure: Error?
  private let limit: UInt64

  init(limit: UInt64) { self.limit = limit }

  struct TooLarge: Error, CustomStringConvertible {
    var description: String { "it holds more than its header declares" }
  }

  func append(_ chunk: Data) throws {
    try lock.withLock {
      bytes.append(chunk)
      last = Date()
      if UInt64(bytes.count) > limit { throw TooLarge() }
    }
  }

  func fail(_ error: Error) { lock.withLock { failure = error } }

  var secondsSinceProgress: TimeInterval {
    lock.withLock { -last.timeIntervalSinceNow }
  }
  var data: Data { lock.withLock { bytes } }
  var error: Error? { lock.withLock { failure } }
}
