import Foundation
import QDAImport
import QDAStore

/// Imports data files into a store: the work shared by `qda import` and `qda run`.
public enum DataImport {
  /// Imports a work-report CSV.
  ///
  /// - Parameters:
  ///   - path: The CSV file.
  ///   - options: How to read it.
  ///   - source: The source name; defaults to the file name without extension.
  ///   - store: The database.
  ///   - progress: Called with the number of records read so far and the
  ///     share of the file read.
  /// - Returns: What the import did, and the reader (for redaction counts).
  /// - Throws: `ImportError` or `StoreError`; nothing is written then.
  public static func reports(
    path: String, options: ReportReadOptions, source: String?, store: Store,
    progress: (_ records: Int, _ fraction: Double) -> Void = { _, _ in }
  ) throws -> (ImportSummary, WorkReportReader) {
    // Ids used twice are found by the database's unique index, not by a
    // map of every id in memory.
    var readOptions = options
    readOptions.detectsDuplicateIDs = false
    let reader = try WorkReportReader(path: path, options: readOptions)
    let name =
      source
      ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    // The hash is made while the file is read, and waited for only where
    // the import needs it.
    let draft = SourceDraft(
      name: name, path: path, kind: "reports",
      contentHash: reader.contentHash,
      settings: options.columns.fingerprint
        + ";redact=\(options.redactsIdentifiers)")
    // Reading, parsing and hashing on one core; SQLite writes on the other.
    // The producer is stopped and joined before this returns. The file's
    // encoding problem, found by the survey while the file is read, comes
    // before any other error, as if the file had been surveyed first.
    let summary = try withoutActuallyEscaping(progress) { progress in
      var duplicates: [ImportError] = []
      return try reader.withEncodingErrorsFirst {
        try store.importSource(
          draft,
          readingAhead: {
            guard let report = try reader.next() else { return nil }
            progress(reader.recordCount, reader.fractionRead)
            return UnitDraft(
              id: report.id, kind: "case", date: report.date?.description,
              line: report.line,
              texts: report.texts, attributes: report.attributes,
              contentHash: report.contentHash)
          },
          finish: {
            // The reader is done: the producer has returned its end.
            try reader.checkProblems(adding: duplicates)
          },
          duplicate: { unit, firstLine in
            duplicates.append(
              .duplicateID(
                path: path, line: unit.line ?? 0, id: unit.id,
                firstLine: firstLine ?? 0))
          })
      }
    }
    return (summary, reader)
  }

  /// The import settings of a transcript: only roles of its own speakers count.
  public static func settings(
    for transcript: Transcript, format: TranscriptFormat,
    roles: [String: String], redacts: Bool
  ) -> String {
    let speakers = Set(transcript.turns.map(\.speaker))
    let named = roles.filter { speakers.contains($0.key) }.sorted {
      $0.key < $1.key
    }
    .map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    return "format=\(format.rawValue);roles=\(named);redact=\(redacts)"
  }

  /// Imports a transcript that was read already.
  ///
  /// - Throws: `StoreError`; nothing is written then.
  public static func transcript(
    _ transcript: Transcript, path: String, format: TranscriptFormat,
    roles: [String: String],
    redacts: Bool, store: Store
  ) throws -> ImportSummary {
    var turns = transcript.turns.makeIterator()
    return try store.importSource(
      SourceDraft(
        name: transcript.name, path: path, kind: "transcript",
        contentHash: transcript.contentHash,
        settings: settings(
          for: transcript, format: format, roles: roles, redacts: redacts)),
      units: {
        guard let turn = turns.next() else { return nil }
        return UnitDraft(
          id: "\(transcript.name):\(turn.number)", kind: "turn",
          date: transcript.date?.description,
          speaker: turn.speaker, role: turn.role, startTime: turn.start,
          endTime: turn.end,
          line: turn.line, texts: [("text", turn.text)],
          attributes: transcript.attributes,
          contentHash: transcript.contentHash(of: turn))
      })
  }
}

extension DataImport {
  /// The source name of a Telegram export: `name`, else `telegram-ID` from
  /// the chat's id (every export's file is called `result.json`), else the
  /// file name without extension.
  public static func sourceName(
    for reader: TelegramExportReader, name: String?
  ) -> String {
    if let name { return name }
    if let id = reader.chatID { return "telegram-\(id)" }
    return URL(fileURLWithPath: reader.path).deletingPathExtension()
      .lastPathComponent
  }

  /// Imports a Telegram chat export, read as it is stored: each ordinary
  /// message a unit `SOURCE:ID` of kind `message`, its sender the speaker.
  ///
  /// - Parameters:
  ///   - reader: The export, opened.
  ///   - name: The source name (see ``sourceName(for:name:)``).
  ///   - textField: The name of the messages' one text field.
  ///   - roles: Senders' roles (`Name` → `outreach worker`).
  ///   - redacts: Whether the reader redacts identifiers (part of the
  ///     settings, so that a re-import with the other choice reads again).
  ///   - store: The database.
  ///   - progress: Called with the number of messages read so far and the
  ///     share of the file read.
  /// - Returns: What the import did.
  /// - Throws: `ImportError` or `StoreError`; nothing is written then.
  public static func telegram(
    _ reader: TelegramExportReader, name: String?, textField: String = "text",
    roles: [String: String], redacts: Bool, store: Store,
    progress: (_ messages: Int, _ fraction: Double) -> Void = { _, _ in }
  ) throws -> ImportSummary {
    let source = sourceName(for: reader, name: name)
    let path = reader.path
    let named = roles.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    // The chat of a whole-account export: another chat of the same file is
    // another reading of it.
    let chat =
      reader.isAccountExport
      ? ";chat=\(reader.chatID ?? reader.chat ?? "")" : ""
    let draft = SourceDraft(
      name: source, path: path, kind: "telegram",
      contentHash: reader.contentHash,
      settings:
        "format=telegram;field=\(textField);roles=\(named.joined(separator: ","));redact=\(redacts)"
        + chat
    )
    var duplicates: [ImportError] = []
    let summary = try withoutActuallyEscaping(progress) { progress in
      try store.importSource(
        draft,
        readingAhead: {
          guard let message = try reader.next() else { return nil }
          progress(reader.messageCount, reader.fractionRead)
          let role = roles[message.speaker]
          return UnitDraft(
            id: "\(source):\(message.id)", kind: "message",
            date: message.date.description, speaker: message.speaker,
            role: role, line: message.line, texts: [(textField, message.text)],
            attributes: message.attributes,
            contentHash: message.contentHash(field: textField, role: role))
        },
        finish: {
          if !duplicates.isEmpty { throw ImportError.multiple(duplicates) }
        },
        duplicate: { unit, firstLine in
          duplicates.append(
            .duplicateID(
              path: path, line: unit.line ?? 0, id: unit.id,
              firstLine: firstLine ?? 0))
        })
    }
    // An unchanged file's messages are not imported, and the reading ahead
    // that began stops wherever it was; the chats after the chosen one may
    // still make `--chat` name two, so a reader of its own looks.
    if summary.isUnchanged, reader.isAccountExport {
      try TelegramExportReader(
        path: path, redactsIdentifiers: false, chat: reader.chat
      ).readToEnd()
    }
    return summary
  }
}
