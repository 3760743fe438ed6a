import ArgumentParser
import Foundation
import QDAImport
import QDAProject
import QDAStore

extension QDA.Import {
  /// `qda import reports FILE.csv`: imports work-report cases.
  struct Reports: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "reports",
      abstract: "Import work-report cases from a CSV file.",
      discussion: """
        The CSV is RFC 4180: UTF-8 (with or without BOM) or Windows-1251, delimiter `,` `;` \
        or tab, detected unless given. Columns: --id-column (default case_id), --date-column \
        (default date; YYYY-MM-DD or DD.MM.YYYY), --text-columns (default request,services); \
        every other column becomes an attribute. Blank lines are skipped. A field may hold \
        at most 1 MiB.

        Re-importing an unchanged file does nothing. A changed row replaces the stored case \
        and drops its auto codings; rows gone from the file are removed. Phone numbers, \
        e-mail addresses, @handles and t.me links are redacted unless --keep-identifiers \
        is given. Any bad row fails the whole import, which then changes nothing.
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions

    @Argument(help: "The CSV file.")
    var file: String

    @Option(help: "The source name (default: the file name without extension).")
    var source: String?

    @Option(help: "The column holding case ids.")
    var idColumn: String?

    @Option(help: "The column holding dates.")
    var dateColumn: String?

    @Option(help: "The text columns to code, comma-separated.")
    var textColumns: String?

    @Option(help: "The delimiter: ',', ';' or 'tab' (default: detected).")
    var delimiter: String?

    @Option(help: "The encoding: utf-8 or windows-1251 (default: detected).")
    var encoding: String?

    @Flag(
      help:
        "Keep phone numbers, e-mail addresses and handles instead of redacting them."
    )
    var keepIdentifiers = false

    func validate() throws {
      if let delimiter, Self.delimiterByte(delimiter) == nil {
        throw ValidationError(
          "Unknown delimiter '\(delimiter)'; use ',', ';' or 'tab'.")
      }
      if let encoding, TextEncoding(name: encoding) == nil {
        throw ValidationError(
          "Unknown encoding '\(encoding)'; use utf-8 or windows-1251.")
      }
      if let textColumns, textColumns.split(separator: ",").isEmpty {
        throw ValidationError("--text-columns needs at least one column name.")
      }
      // A unit has one text per field name.
      let names = textColumns == nil ? [] : readOptions.columns.texts
      if let repeated = names.indices.first(where: {
        names[..<$0].contains(names[$0])
      }) {
        throw ValidationError(
          "--text-columns names '\(names[repeated])' twice.")
      }
    }

    static func delimiterByte(_ name: String) -> UInt8? {
      switch name {
      case ",", "comma": return UInt8(ascii: ",")
      case ";", "semicolon": return UInt8(ascii: ";")
      case "tab", "\\t", "\t": return UInt8(ascii: "\t")
      default: return nil
      }
    }

    var readOptions: ReportReadOptions {
      var options = ReportReadOptions()
      if let idColumn { options.columns.id = idColumn }
      if let dateColumn {
        options.columns.date = dateColumn
        options.columns.isDateExplicit = true
      }
      if let textColumns {
        options.columns.texts = textColumns.split(separator: ",").map {
          $0.trimmingCharacters(in: .whitespaces)
        }
        options.columns.isTextExplicit = true
      }
      options.delimiter = delimiter.flatMap(Self.delimiterByte)
      options.encoding = encoding.flatMap(TextEncoding.init(name:))
      options.redactsIdentifiers = !keepIdentifiers
      return options
    }

    func run() throws {
      try reportingFailures {
        let options = readOptions
        let progress = logging.progress("reading \(file)")
        let (summary, reader) = try database.write { store in
          try DataImport.reports(
            path: file, options: options, source: source, store: store,
            progress: { progress.update($0, fraction: $1) })
        }
        progress.finish()
        logging.say(Self.describe(summary, reader: reader))
      }
    }

    static func describe(_ summary: ImportSummary, reader: WorkReportReader)
      -> String
    {
      if summary.isUnchanged {
        return
          "'\(summary.source)' is unchanged since its last import (\(summary.unchanged) cases); nothing to do"
      }
      var message =
        "imported '\(summary.source)': \(summary.added) added, \(summary.changed) changed, "
        + "\(summary.unchanged) unchanged, \(summary.removed) removed"
      message +=
        " (\(reader.encoding.rawValue), delimiter '\(reader.delimiter == 9 ? "tab" : String(UnicodeScalar(reader.delimiter)))')"
      if summary.droppedAutoCodings > 0 {
        message +=
          "\n\(plural(summary.droppedAutoCodings, "auto coding")) of changed cases dropped; run 'qda code auto' again"
      }
      let counts = reader.redactions
      if counts.total > 0 {
        message +=
          "\nredacted \(plural(counts.total, "identifier")): "
          + [
            plural(counts.phones, "phone number"),
            plural(counts.emails, "e-mail address"),
            plural(counts.handles, "handle"), plural(counts.links, "link"),
          ].joined(separator: ", ")
          + (counts.cards > 0 ? ", " + plural(counts.cards, "card number") : "")
      } else {
        message += "\nredacted 0 identifiers"
      }
      if reader.skippedBlankLines > 0 {
        message += "\nskipped \(plural(reader.skippedBlankLines, "blank line"))"
      }
      return message
    }
  }
}
