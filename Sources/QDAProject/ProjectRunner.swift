import Crypto
import Foundation
import QDACodebook
import QDACoding
import QDAExchange
import QDAImport
import QDAReport
import QDAStore
import QDAThematicReport

/// Runs a project.
///
/// It imports what changed, re-codes when data or codebook changed, and
/// renders every output, writing a file only when its content changed.
/// `qda check` runs it on a copy of the database and compares.
public struct ProjectRunner {
  /// The project file's path.
  public let path: String
  /// The project.
  public let file: ProjectFile
  /// The qda version, recorded so a new version re-codes and re-renders.
  public let version: String

  /// What a run did (or, for a dry run, would do).
  public struct Outcome: Sendable {
    /// Sources whose content changed (or are new).
    public var imported: [String] = []
    /// Coders whose codings file changed.
    public var codersUpdated: [String] = []
    /// Whether the `auto` codings were recomputed.
    public var recoded = false
    /// Outputs whose content changed (written unless dry).
    public var written: [String] = []
    /// Outputs already up to date.
    public var unchanged: [String] = []
  }

  /// Loads a project file.
  ///
  /// - Throws: `ProjectError`.
  public init(path: String, version: String) throws {
    self.path = path
    self.file = try ProjectFile.load(path: path)
    self.version = version
  }

  /// The directory paths are relative to.
  var directory: URL { URL(fileURLWithPath: path).deletingLastPathComponent() }

  /// A path from the project file, resolved against its directory.
  public func resolve(_ relative: String) -> String {
    relative.hasPrefix("/")
      ? relative
      : directory.appendingPathComponent(relative).standardizedFileURL.path
  }

  /// The database path.
  public var databasePath: String { resolve(file.database ?? "qda.sqlite") }

  /// The codebook path.
  public var codebookPath: String { resolve(file.codebook) }

  /// Files matching a path or glob, sorted.
  func files(_ pattern: String) throws -> [String] {
    let resolved = resolve(pattern)
    guard resolved.contains(where: { "*?[".contains($0) }) else {
      guard FileManager.default.fileExists(atPath: resolved) else {
        throw ImportError.missingFile(path: resolved)
      }
      return [resolved]
    }
    var result = glob_t()
    defer { globfree(&result) }
    guard glob(resolved, 0, nil, &result) == 0 else {
      throw ProjectError.noFiles(path: path, pattern: pattern)
    }
    return (0..<Int(result.gl_pathc)).compactMap { index in
      result.gl_pathv[index].map { String(cString: $0) }
    }.sorted()
  }

  /// Runs the project on a store.
  ///
  /// - Parameters:
  ///   - store: The database (the project's, or a copy for `check`).
  ///   - writesOutputs: Whether changed outputs are written to disk.
  ///   - log: Called with a line for each thing done.
  ///   - progress: Makes the progress sink of a long task, given its label.
  /// - Returns: What was done.
  /// - Throws: Import, codebook, store and output errors.
  public func run(
    on store: Store, writesOutputs: Bool, log: (String) -> Void = { _ in },
    progress: (String) -> ProgressSink = { _ in .silent }
  ) throws -> Outcome {
    var outcome = Outcome()
    let codebook = try Codebook.load(path: codebookPath)
    // Sources.
    for source in file.sources {
      if let pattern = source.reports {
        for file in try files(pattern) {
          var options = ReportReadOptions()
          if let id = source.idColumn { options.columns.id = id }
          if let date = source.dateColumn {
            options.columns.date = date
            options.columns.isDateExplicit = true
          }
          if let texts = source.textColumns {
            options.columns.texts = texts
            options.columns.isTextExplicit = true
          }
          options.delimiter = source.delimiter.flatMap(Self.delimiter)
          options.encoding = source.encoding.flatMap(TextEncoding.init(name:))
          options.redactsIdentifiers = !(source.keepIdentifiers ?? false)
          let sink = progress(
            "reading \(URL(fileURLWithPath: file).lastPathComponent)")
          let (summary, _) = try DataImport.reports(
            path: file, options: options, source: source.name, store: store,
            progress: { sink.update($0, $1) })
          sink.finish()
          if !summary.isUnchanged {
            outcome.imported.append(summary.source)
            log(
              "imported '\(summary.source)': \(summary.added) added, \(summary.changed) changed, \(summary.removed) removed"
            )
          }
        }
      }
      if let pattern = source.transcripts {
        let format =
          source.format.flatMap(TranscriptFormat.init(rawValue:)) ?? .auto
        for file in try files(pattern) {
          let transcript = try TranscriptReader.read(
            path: file, format: format, roles: source.roles ?? [:],
            redactsIdentifiers: !(source.keepIdentifiers ?? false))
          let summary = try DataImport.transcript(
            transcript, path: file, format: format, roles: source.roles ?? [:],
            redacts: !(source.keepIdentifiers ?? false), store: store)
          if !summary.isUnchanged {
            outcome.imported.append(summary.source)
            log(
              "imported '\(summary.source)': \(summary.added) added, \(summary.changed) changed, \(summary.removed) removed"
            )
          }
        }
      }
      if let pattern = source.telegram {
        for file in try files(pattern) {
          let reader = try TelegramExportReader(
            path: file, redactsIdentifiers: !(source.keepIdentifiers ?? false),
            chat: source.chat)
          let sink = progress(
            "reading \(URL(fileURLWithPath: file).lastPathComponent)")
          let summary = try DataImport.telegram(
            reader, name: source.name, textField: source.textField ?? "text",
            roles: source.roles ?? [:],
            redacts: !(source.keepIdentifiers ?? false), store: store,
            progress: { sink.update($0, $1) })
          sink.finish()
          if !summary.isUnchanged {
            outcome.imported.append(summary.source)
            log(
              "imported '\(summary.source)': \(summary.added) added, \(summary.changed) changed, \(summary.removed) removed"
            )
          }
        }
      }
    }
    // Auto codings: when data, codebook or qda changed.
    let current = try store.currentCodebook()
    let stamp = "\(codebook.contentHash)|\(version)"
    let lastStamp = try store.projectState("auto")
    if !outcome.imported.isEmpty || current?.hash != codebook.contentHash
      || lastStamp != stamp
    {
      let sink = progress("coding")
      _ = try AutoCoder(codebook: codebook, codebookPath: codebookPath).run(
        on: store, force: true,
        progress: { sink.update($0, Double($0) / Double($1)) })
      sink.finish()
      try store.setProjectState("auto", stamp)
      outcome.recoded = true
      log("coded every unit with '\(codebook.id)' \(codebook.version)")
    }
    // Manual codings.
    for (coder, csv) in (file.coders ?? [:]).sorted(by: { $0.key < $1.key }) {
      let csvPath = resolve(csv)
      guard let data = FileManager.default.contents(atPath: csvPath) else {
        throw ImportError.missingFile(path: csvPath)
      }
      let hash = SHA256.hash(data: data).map { String(format: "%02x", $0) }
        .joined()
      let lastHash = try store.projectState("coder:" + coder)
      // Changed units lose their manual codings, so a data change re-reads the files too.
      if lastHash != hash || !outcome.imported.isEmpty {
        try store.replaceCodings(
          of: coder, with: ManualCodingFile.read(csvPath), path: csvPath)
        try store.setProjectState("coder:" + coder, hash)
        outcome.codersUpdated.append(coder)
        log("replaced the codings of '\(coder)' from \(csv)")
      }
    }
    // Outputs.
    for output in file.outputs ?? [] {
      let target = resolve(output.path)
      let rendered = try render(output, store: store, codebook: codebook)
      defer { rendered.discard() }
      if try rendered.isContent(ofFileAt: target) {
        outcome.unchanged.append(output.path)
        continue
      }
      outcome.written.append(output.path)
      if writesOutputs {
        try FileManager.default.createDirectory(
          at: URL(fileURLWithPath: target).deletingLastPathComponent(),
          withIntermediateDirectories: true)
        try rendered.write(to: target)
        log("wrote \(output.path)")
      }
    }
    return outcome
  }

  static func delimiter(_ name: String) -> UInt8? {
    switch name {
    case ",", "comma": return UInt8(ascii: ",")
    case ";", "semicolon": return UInt8(ascii: ";")
    case "tab", "\t": return UInt8(ascii: "\t")
    default: return nil
    }
  }

  /// Renders one output.
  func render(_ output: ProjectFile.Output, store: Store, codebook: Codebook)
    throws -> RenderedOutput
  {
    let filter = UnitFilter(kinds: output.kind.map { [$0] } ?? [])
    let coder: CoderSelection
    if output.coder == "consensus" {
      coder = .consensus(
        try output.coders ?? store.coders().filter { $0 != "auto" })
    } else {
      coder = .coder(output.coder ?? "auto")
    }
    func outputFormat() throws -> OutputFormat {
      guard let name = OutputFormat(rawValue: output.format ?? "csv") else {
        throw ProjectError.badOutput(
          path: path, output: output.path,
          message: "unknown format '\(output.format ?? "")'")
      }
      return name
    }
    func format(_ report: any Report) throws -> RenderedOutput {
      .data(Data(try outputFormat().render(report).utf8))
    }
    /// Rows written to a scratch file as they are read, as `qda export`
    /// writes them: a table of every unit or coding is never held whole.
    func stream(
      _ produce: (inout RowWriter) throws -> Void
    ) throws -> RenderedOutput {
      let format = try outputFormat()
      let file = try ScratchFile(RenderedOutput.scratchURL())
      do {
        var writer = RowWriter(
          format: format, columns: [], jsonRowsKey: nil, output: file.write)
        try produce(&writer)
        try writer.finish()
        try file.close()
      } catch {
        try? file.close()
        try? FileManager.default.removeItem(at: file.url)
        throw error
      }
      return .file(file.url)
    }
    switch output.type {
    case "freq":
      return try format(
        FrequencyTable(
          store: store, by: FrequencyDimension(output.by ?? "code"),
          coder: coder, filter: filter,
          countsDocuments: output.unit == "document"))
    case "crosstab":
      let columns: Crosstab.Columns
      switch output.cols ?? "month" {
      case "month": columns = .month
      case "coder": columns = .coder(try output.coders ?? store.coders())
      case let name: columns = .attribute(name)
      }
      return try format(
        Crosstab(store: store, columns: columns, coder: coder, filter: filter))
    case "cooccur":
      return try format(
        Cooccurrence(store: store, coder: coder, filter: filter))
    case "tallies":
      return try format(Tallies(store: store, coder: coder, filter: filter))
    case "agree":
      return try format(
        AgreementReport(
          store: store, coders: output.coders ?? [], filter: filter))
    case "units":
      return try stream { writer in
        var layout: UnitExport.Layout?
        try store.exportUnits(
          filter, passes: writer.passes,
          shape: {
            layout = UnitExport.Layout($0)
            writer.columns = layout?.columns ?? []
          },
          body: { pass, unit in
            if let layout { try writer.add(layout.cells(unit), pass: pass) }
          })
      }
    case "codings":
      return try stream { writer in
        writer.columns = CodingExport.columns
        try store.exportCodings(
          coder: output.coder == nil ? nil : coder, filter: filter,
          passes: writer.passes
        ) { pass, coding in
          try writer.add(CodingExport.cells(coding), pass: pass)
        }
      }
    case "report":
      let report = try ThematicReport(
        store: store, codebook: codebook, title: output.title ?? codebook.title,
        version: version)
      return .data(
        Data(
          (output.format == "markdown" ? report.markdown() : report.html())
            .utf8))
    case "qdc":
      return .data(
        Data(REFICodebook.document(codebook, origin: "qda \(version)").utf8))
    case "qdpx":
      let archive = RenderedOutput.scratchURL()
      do {
        try REFIProject.export(
          store: store, codebook: codebook,
          name: output.title ?? codebook.title, to: archive.path,
          origin: "qda \(version)")
      } catch {
        try? FileManager.default.removeItem(at: archive)
        throw error
      }
      return .file(archive)
    default:
      throw ProjectError.badOutput(
        path: path, output: output.path,
        message: "unknown type '\(output.type)'")
    }
  }
}

/// An output as rendered: text in memory, or a file written as it was
/// rendered (the tables of every unit or coding, and the project archive).
enum RenderedOutput {
  case data(Data)
  case file(URL)

  /// A new scratch file's place, in the temporary directory.
  static func scratchURL() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent(
      "qda-output-\(UUID().uuidString)")
  }

  /// Whether the file at `path` holds exactly this output.
  ///
  /// - Throws: The file system's error reading the scratch file.
  func isContent(ofFileAt path: String) throws -> Bool {
    switch self {
    case .data(let data):
      return FileManager.default.contents(atPath: path) == data
    case .file(let url):
      let manager = FileManager.default
      guard
        let existing = try? manager.attributesOfItem(atPath: path)[.size]
          as? Int,
        let rendered = try manager.attributesOfItem(atPath: url.path)[.size]
          as? Int,
        existing == rendered,
        let old = FileHandle(forReadingAtPath: path)
      else { return false }
      defer { try? old.close() }
      let new = try FileHandle(forReadingFrom: url)
      defer { try? new.close() }
      while true {
        let piece = try new.read(upToCount: ScratchFile.chunk) ?? Data()
        if piece != (try old.read(upToCount: ScratchFile.chunk) ?? Data()) {
          return false
        }
        if piece.isEmpty { return true }
      }
    }
  }

  /// Puts the output at `path`, atomically: the old file stays whole until
  /// the new one replaces it.
  ///
  /// - Throws: The file system's error.
  func write(to path: String) throws {
    switch self {
    case .data(let data):
      try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    case .file(let url):
      if rename(url.path, path) != 0 {
        guard errno == EXDEV else { throw Self.error(path) }
        // The temporary directory is on another file system: copied
        // beside the output first, then renamed over it.
        let staged = path + ".qda-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: url.path, toPath: staged)
        guard rename(staged, path) == 0 else {
          let error = Self.error(path)
          unlink(staged)
          throw error
        }
      }
      // Scratch files are private; an output file gets the mode any other
      // file would (as the outputs written whole do).
      let mask = umask(0)
      umask(mask)
      chmod(path, 0o666 & ~mask)
    }
  }

  /// The error of the last failed system call, about `path`.
  private static func error(_ path: String) -> Error {
    CocoaError(
      .fileWriteUnknown,
      userInfo: [
        NSFilePathErrorKey: path,
        NSLocalizedDescriptionKey: String(cString: strerror(errno)),
      ])
  }

  /// Removes the scratch file, if it is still there.
  func discard() {
    if case .file(let url) = self {
      try? FileManager.default.removeItem(at: url)
    }
  }
}
