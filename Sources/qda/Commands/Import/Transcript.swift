import ArgumentParser
import Foundation
import QDAImport
import QDAProject
import QDAStore

extension TranscriptFormat: ExpressibleByArgument {}

extension QDA.Import {
  /// `qda import transcript FILE...`: imports interview transcripts as turns.
  struct Transcript: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "transcript",
      abstract: "Import interview transcripts as speaker turns.",
      discussion: """
        Text and Markdown transcripts (.txt, .md): optional YAML front matter (title, date, \
        language, roles: {Name: role}, role, and any attributes), then speaker labels at \
        line start: 'Name: text', '[00:01:02] Name: text' or 'Name (00:01:02): text'; \
        following lines continue the turn. WebVTT (.vtt): '<v Name>' voices or Zoom's \
        'Name: text' cues. SubRip (.srt): 'Name: text' cues.

        A turn is a maximal run of consecutive blocks or cues by one speaker; its unit id \
        is DOCUMENT:N. Roles come from --role, then front matter; otherwise the first \
        speaker who asks a question is the interviewer and the others are participants. \
        Re-importing an unchanged file does nothing; a file that fails changes nothing.
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions

    @Argument(help: "The transcript files.")
    var files: [String]

    @Option(
      help:
        "The document name (default: the file name without extension); one file only."
    )
    var name: String?

    @Option(help: "The format: auto, txt, vtt or srt.")
    var format: TranscriptFormat = .auto

    @Option(
      name: .customLong("role"),
      help: "A speaker's role, as 'Name=role' (repeatable).")
    var roles: [String] = []

    @Flag(
      help:
        "Keep phone numbers, e-mail addresses and handles instead of redacting them."
    )
    var keepIdentifiers = false

    func validate() throws {
      if name != nil, files.count > 1 {
        throw ValidationError(
          "--name names one document; import the files one by one.")
      }
      for role in roles where !role.contains("=") {
        throw ValidationError("--role takes 'Name=role', not '\(role)'.")
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
        // Every file is read and checked before the database is touched.
        let progress = logging.progress("reading transcripts")
        let transcripts = try files.enumerated().map { index, file in
          defer {
            progress.update(
              index + 1, fraction: Double(index + 1) / Double(files.count))
          }
          logging.detail("reading \(file)")
          return try TranscriptReader.read(
            path: file, format: format, name: name, roles: roleMap,
            redactsIdentifiers: !keepIdentifiers)
        }
        progress.finish()
        let summaries = try database.write { store in
          try zip(files, transcripts).map { file, transcript in
            try DataImport.transcript(
              transcript, path: file, format: format, roles: roleMap,
              redacts: !keepIdentifiers,
              store: store)
          }
        }
        for (file, (summary, transcript)) in zip(
          files, zip(summaries, transcripts))
        {
          for warning in transcript.warnings {
            logging.say("\(file):\(warning.line): warning: \(warning.message)")
          }
          logging.say(Self.describe(summary, transcript: transcript))
        }
      }
    }

    static func describe(
      _ summary: ImportSummary, transcript: QDAImport.Transcript
    ) -> String {
      if summary.isUnchanged {
        return
          "'\(summary.source)' is unchanged since its last import (\(plural(summary.unchanged, "turn"))); nothing to do"
      }
      let speakers = Dictionary(grouping: transcript.turns, by: \.speaker)
        .map { "\($0.key) (\($0.value.first?.role ?? ""))" }.sorted()
      return
        "imported '\(summary.source)': \(summary.added) added, \(summary.changed) changed, "
        + "\(summary.unchanged) unchanged, \(summary.removed) removed; speakers: "
        + speakers.prefix(20).joined(separator: ", ")
        + (speakers.count > 20 ? " and \(speakers.count - 20) more" : "")
        + "; redacted \(plural(transcript.redactions.total, "identifier"))"
    }
  }
}
