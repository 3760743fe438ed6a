import Crypto
import Foundation
import Yams

/// A transcript: who said what, in turns, with the document's metadata.
///
/// A **turn** is a maximal run of consecutive blocks (text transcripts) or
/// cues (WebVTT, SRT) by one speaker; it keeps the start time of its first
/// block, the end time of its last, and the speaker's role.
///
/// ## Topics
/// - ``TranscriptReader``
/// - ``Turn``
public struct Transcript: Sendable {
  /// The document name: the file name without extension, or `--name`.
  public var name: String
  /// The transcript's title, from front matter.
  public var title: String?
  /// The interview date, from front matter.
  public var date: CalendarDate?
  /// The language, from front matter (`ru`, `en`).
  public var language: String?
  /// Other front-matter fields, as attributes of every turn.
  public var attributes: [(name: String, value: String)]
  /// The turns, in order.
  public var turns: [Turn]
  /// What the parser skipped or read leniently (warnings).
  public var warnings: [SubtitleDiagnostic]
  /// The SHA-256 of the file.
  public var contentHash: String
  /// How many identifiers were redacted from the turns.
  public var redactions = RedactionCounts()
}

/// One speaker turn.
public struct Turn: Sendable, Equatable {
  /// The turn number, from 1.
  public var number: Int
  /// The speaker's label.
  public var speaker: String
  /// The speaker's role (`interviewer`, `participant`, or as declared).
  public var role: String
  /// The text; blocks of the turn are joined by line breaks.
  public var text: String
  /// The start time in seconds, when the source has one.
  public var start: Double?
  /// The end time in seconds, when the source has one.
  public var end: Double?
  /// The line where the turn starts.
  public var line: Int
}

/// A block of speech before turns are formed: one labelled paragraph or cue.
struct SpeechBlock {
  var speaker: String?
  var text: String
  var start: Double?
  var end: Double?
  var line: Int
}

/// The transcript formats qda reads.
public enum TranscriptFormat: String, Sendable, CaseIterable {
  /// Detected from the extension (`.vtt`, `.srt`, otherwise text).
  case auto
  /// Plain text or Markdown with speaker labels.
  case txt
  /// WebVTT.
  case vtt
  /// SubRip.
  case srt

  /// The format of a file, from its extension when `self` is `auto`.
  public func resolved(for path: String) -> TranscriptFormat {
    guard self == .auto else { return self }
    switch URL(fileURLWithPath: path).pathExtension.lowercased() {
    case "vtt": return .vtt
    case "srt": return .srt
    default: return .txt
    }
  }
}

/// Reads transcripts of every format into turns.
public enum TranscriptReader {
  /// The role given to the first speaker who asks a question, by default.
  public static let interviewerRole = "interviewer"
  /// The role of every other speaker, by default.
  public static let participantRole = "participant"

  /// Reads a transcript.
  ///
  /// - Parameters:
  ///   - path: The file.
  ///   - format: Its format, or `.auto` to go by the extension.
  ///   - name: The document name; defaults to the file name without extension.
  ///   - roles: Speaker roles given on the command line; they override front matter.
  ///   - redactsIdentifiers: Whether phone numbers, e-mail addresses, handles
  ///     and links in the turns are replaced by placeholders.
  /// - Returns: The transcript.
  /// - Throws: `ImportError` for unreadable or malformed files, files without
  ///   speakers, and WebVTT files the parser had to drop cues from.
  public static func read(
    path: String, format: TranscriptFormat = .auto, name: String? = nil,
    roles: [String: String] = [:], redactsIdentifiers: Bool = true
  ) throws -> Transcript {
    let documentName =
      name
      ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    var blocks: [SpeechBlock]
    var frontMatter = FrontMatter()
    var warnings: [SubtitleDiagnostic] = []
    let hash: String
    switch format.resolved(for: path) {
    case .vtt, .srt:
      let isVTT = format.resolved(for: path) == .vtt
      let file = try TextFile(
        path: path, encoding: isVTT ? .utf8 : nil, replacesNUL: isVTT)
      hash = file.contentHash
      let result =
        isVTT
        ? try WebVTTParser.parse(lines: file.lines, path: path)
        : try SRTParser.parse(lines: file.lines, path: path)
      let errors = result.diagnostics.filter(\.isError)
      if !errors.isEmpty {
        throw ImportError.multiple(
          errors.map {
            ImportError.transcript(
              path: path, line: $0.line, message: $0.message)
          })
      }
      warnings = result.diagnostics
      blocks = result.cues.map(speechBlock(from:))
    case .txt, .auto:
      let file = try TextFile(path: path, encoding: nil, replacesNUL: false)
      hash = file.contentHash
      let parsed = try TextTranscriptParser.parse(lines: file.lines, path: path)
      blocks = parsed.blocks
      frontMatter = parsed.frontMatter
      warnings = parsed.warnings
    }
    // Unlabelled cues continue the turn before them.
    guard let firstLabelled = blocks.firstIndex(where: { $0.speaker != nil })
    else {
      throw ImportError.transcript(
        path: path, line: blocks.first?.line ?? 1,
        message:
          "no speaker labels: expected lines like 'Name: text', '<v Name>' voices or Zoom's 'Name: text' cues"
      )
    }
    if firstLabelled > 0 {
      throw ImportError.transcript(
        path: path, line: blocks[0].line,
        message: "speech before the first speaker label; label it with 'Name:'")
    }
    // Cues split speech at arbitrary points, so they join with a space;
    // labelled paragraphs of a text transcript join with a line break.
    let isText = [.txt, .auto].contains(format.resolved(for: path))
    var turns = mergeTurns(blocks, separator: isText ? "\n" : " ")
    let declared = frontMatter.roles.merging(roles) { $1 }
    assignRoles(&turns, declared: declared, defaultRole: frontMatter.role)
    var redactions = RedactionCounts()
    if redactsIdentifiers {
      let redactor = Redactor()
      for index in turns.indices {
        let (text, counts) = redactor.redact(turns[index].text)
        turns[index].text = text
        redactions += counts
      }
    }
    return Transcript(
      name: documentName, title: frontMatter.title, date: frontMatter.date,
      language: frontMatter.language, attributes: frontMatter.attributes,
      turns: turns,
      warnings: warnings, contentHash: hash, redactions: redactions)
  }

  /// A cue as a block: the voice, or a Zoom-style `Name: ` prefix, is the speaker.
  static func speechBlock(from cue: Cue) -> SpeechBlock {
    let parsed = cue.parsedText
    var text = parsed.plainText.trimmingCharacters(in: .whitespacesAndNewlines)
    var speaker = parsed.voice?.trimmingCharacters(in: .whitespaces)
    if speaker?.isEmpty ?? true, let label = SpeakerLabel.zoomPrefix(text) {
      speaker = label.speaker
      text = label.text
    }
    return SpeechBlock(
      speaker: speaker?.isEmpty == false ? speaker : nil, text: text,
      start: cue.start,
      end: cue.end, line: cue.line)
  }

  /// Merges consecutive blocks by one speaker into turns.
  static func mergeTurns(_ blocks: [SpeechBlock], separator: String) -> [Turn] {
    var turns: [Turn] = []
    for block in blocks {
      let speaker = block.speaker ?? turns.last?.speaker ?? ""
      if var last = turns.last, last.speaker == speaker {
        if !block.text.isEmpty {
          last.text =
            last.text.isEmpty ? block.text : last.text + separator + block.text
        }
        last.end = block.end ?? last.end
        turns[turns.count - 1] = last
      } else {
        turns.append(
          Turn(
            number: turns.count + 1, speaker: speaker, role: "",
            text: block.text,
            start: block.start, end: block.end, line: block.line))
      }
    }
    return turns
  }

  /// Gives each turn its speaker's role: declared roles first; otherwise the
  /// first speaker who asks a question is the interviewer and the others get
  /// `defaultRole` (front matter `role:`) or `participant`.
  static func assignRoles(
    _ turns: inout [Turn], declared: [String: String], defaultRole: String?
  ) {
    let interviewer: String?
    if declared.values.contains(interviewerRole) {
      interviewer = nil
    } else {
      interviewer =
        turns.first { declared[$0.speaker] == nil && $0.text.contains("?") }?
        .speaker
    }
    for index in turns.indices {
      let speaker = turns[index].speaker
      if let role = declared[speaker] {
        turns[index].role = role
      } else if speaker == interviewer {
        turns[index].role = interviewerRole
      } else {
        turns[index].role = defaultRole ?? participantRole
      }
    }
  }
}

extension Transcript {
  /// A hash of a turn's stored content (``Digest/unitHash`` of a SHA-256),
  /// to tell a changed turn on re-import.
  public func contentHash(of turn: Turn) -> String {
    let start: String = turn.start.map { String($0) } ?? ""
    let end: String = turn.end.map { String($0) } ?? ""
    var fields: [String] = [turn.speaker, turn.role, turn.text, start, end]
    fields.append(date?.description ?? "")
    for attribute in attributes {
      fields.append(attribute.name)
      fields.append(attribute.value)
    }
    return SHA256.unitHash(of: fields)
  }
}
