import ArgumentParser
import Foundation
import QDAImport
import QDAProject
import QDAStore

extension QDA.Import {
  /// `qda import telegram FILE.json`: imports a Telegram chat export.
  struct Telegram: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "telegram",
      abstract: "Import a chat exported by Telegram Desktop as JSON.",
      discussion: """
        Reads the result.json of a chat's 'Export chat history' (format JSON). Each \
        ordinary message is a unit SOURCE:ID of kind 'message': its sender is the speaker, \
        its day the date, and its text (formatted parts joined as plain text) the field \
        'text' (or --text-field). Attributes: chat, chat_type and hour (00-23, the exporter's local time) \
        on every message; media (voice_message, sticker, photo, ...), forwarded_from and \
        reply (yes, for an answer to another message) where the message has them. Service messages (joins, pins, calls) are \
        skipped. The source is named telegram-CHATID unless --name is given.

        A whole-account export (Settings, Advanced, Export Telegram data) holds every \
        chat: --chat names the one to import, by its id or its name; without it, the \
        error lists the chats, and a name two chats share is an error naming their ids. \
        The other chats are stepped over message by message.

        The file is read message by message, in bounded memory. Telegram's '\\xHH' \
        escapes, which JSON does not allow, are read as the characters they stand for. \
        Re-importing an unchanged file does nothing; a file that fails changes nothing.
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions

    @Argument(help: "The export's JSON file (result.json).")
    var file: String

    @Option(help: "The source name (default: telegram-CHATID).")
    var name: String?

    @Option(
      help:
        "The chat to import from a whole-account export, by its id or its name."
    )
    var chat: String?

    @Option(
      help:
        "The name of the messages' text field, which codebook rules name in 'fields' ('request' lets a codebook for work reports code clients' messages)."
    )
    var textField = "text"

    @Option(
      name: .customLong("role"),
      help: "A sender's role, as 'Name=role' (repeatable).")
    var roles: [String] = []

    @Flag(
      help:
        "Keep phone numbers, e-mail addresses and handles instead of redacting them."
    )
    var keepIdentifiers = false

    func validate() throws {
      for role in roles where !role.contains("=") {
        throw ValidationError("--role takes 'Name=role', not '\(role)'.")
      }
      if let name, name.isEmpty {
        throw ValidationError("--name needs a name.")
      }
      if let chat, chat.isEmpty {
        throw ValidationError("--chat needs a chat's id or name.")
      }
      if textField.trimmingCharacters(in: .whitespaces).isEmpty {
        throw ValidationError("--text-field needs a name.")
      }
    }

    var roleMap: [String: String] {
      var map: [String: String] = [:]
      for role in roles {
        let parts = role.split(separator: "=", maxSplits: 1).map {
          $0.trimmingCharacters(in: .whitespaces)
        }
        if parts.count == 2 { map[parts[0]] = parts[1] }
      }
      return map
    }

    func run() throws {
      try reportingFailures {
        let reader = try TelegramExportReader(
          path: file, redactsIdentifiers: !keepIdentifiers, chat: chat)
        let progress = logging.progress("reading \(file)")
        let summary = try database.write { store in
          try DataImport.telegram(
            reader, name: name, textField: textField, roles: roleMap,
            redacts: !keepIdentifiers,
            store: store,
            progress: { progress.update($0, fraction: $1) })
        }
        progress.finish()
        logging.say(Self.describe(summary, reader: reader))
      }
    }

    static func describe(
      _ summary: ImportSummary, reader: TelegramExportReader
    ) -> String {
      if summary.isUnchanged {
        return
          "'\(summary.source)' is unchanged since its last import (\(plural(summary.unchanged, "message"))); nothing to do"
      }
      var message =
        "imported '\(summary.source)': \(summary.added) added, \(summary.changed) changed, "
        + "\(summary.unchanged) unchanged, \(summary.removed) removed"
      if let chat = reader.chatName {
        message += " (chat '\(chat)'\(reader.chatType.map { ", \($0)" } ?? ""))"
      }
      if reader.skipped > 0 {
        message +=
          "\nskipped \(plural(reader.skipped, "service or unsupported message")) (joins, pins, calls and the like)"
      }
      if summary.droppedAutoCodings > 0 {
        message +=
          "\n\(plural(summary.droppedAutoCodings, "auto coding")) of changed messages dropped; run 'qda code auto' again"
      }
      message +=
        "\nredacted \(plural(reader.redactions.total, "identifier"))"
      return message
    }
  }
}
