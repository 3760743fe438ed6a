import Foundation
import Yams

/// The YAML front matter of a text transcript.
struct FrontMatter {
  var title: String?
  var date: CalendarDate?
  var language: String?
  /// Speaker → role, from `roles:`.
  var roles: [String: String] = [:]
  /// The role of speakers `roles:` does not name (except the interviewer), from `role:`.
  var role: String?
  /// Every other field.
  var attributes: [(name: String, value: String)] = []
}

/// A speaker label at the start of a line.
struct SpeakerLabel {
  var speaker: String
  var text: String
  var time: Double?

  // `[00:01:02] Name: text`, `00:01:02 Name: text` (Zoom's text export),
  // `Name (00:01:02): text`, `Name: text`, `Name (role): text`; the label may
  // be bold in Markdown (`**Name:**`).
  private static let expression: NSRegularExpression = {
    let time = #"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"#
    let pattern =
      #"^\s*(?:\[(?<before>"# + time + #")\]\s*|(?<bare>"# + time + #")\s+)?"#
      + #"(?:\*\*|__)?(?<label>[^\s:\[\]()*_][^:\[\]*]{0,60}?)\s*"#
      + #"(?:\((?<after>"# + time + #")\))?\s*(?:\*\*|__)?:(?:\*\*|__)?"#
      + #"(?:[ \t]+(?<text>.*))?$"#
    do {
      return try NSRegularExpression(pattern: pattern)
    } catch {
      preconditionFailure("invalid speaker label pattern: \(error)")
    }
  }()

  /// The label at the start of `line`, if it looks like one.
  static func parse(_ line: String) -> SpeakerLabel? {
    let range = NSRange(line.startIndex..., in: line)
    guard let match = expression.firstMatch(in: line, range: range),
      let labelRange = Range(match.range(withName: "label"), in: line)
    else { return nil }
    let label = line[labelRange].trimmingCharacters(in: .whitespaces)
    // A label is a name or a role, not a sentence.
    // A label is a name or a role, not a sentence: a few words, no sentence
    // punctuation but the dot of an initial or a title ("Dr. Smith").
    guard !label.isEmpty, label.split(separator: " ").count <= 6,
      !label.contains(where: { ",!?;\"«»".contains($0) }),
      !label.hasSuffix("."),
      label.filter({ $0 == "(" }).count == label.filter({ $0 == ")" }).count
    else { return nil }
    var time: Double?
    for group in ["before", "bare", "after"] {
      if let timeRange = Range(match.range(withName: group), in: line) {
        time = seconds(String(line[timeRange]))
      }
    }
    let text =
      Range(match.range(withName: "text"), in: line).map { String(line[$0]) }
      ?? ""
    return SpeakerLabel(
      speaker: label, text: text.trimmingCharacters(in: .whitespaces),
      time: time)
  }

  /// A Zoom-style cue payload `Name: text`.
  static func zoomPrefix(_ text: String) -> SpeakerLabel? {
    guard let colon = text.range(of: ": ") else { return nil }
    let label = text[..<colon.lowerBound].trimmingCharacters(in: .whitespaces)
    guard !label.isEmpty, label.count <= 48, !label.contains("\n"),
      label.split(separator: " ").count <= 5,
      !label.contains(where: { ".,!?;\"".contains($0) })
    else { return nil }
    return SpeakerLabel(
      speaker: label,
      text: String(text[colon.upperBound...]).trimmingCharacters(
        in: .whitespaces),
      time: nil)
  }

  /// `01:02:03`, `02:03` or with a fraction, in seconds.
  static func seconds(_ text: String) -> Double? {
    let normalized = text.replacingOccurrences(of: ",", with: ".")
    let parts = normalized.split(separator: ":").compactMap { Double($0) }
    guard (2...3).contains(parts.count) else { return nil }
    return parts.reduce(0) { $0 * 60 + $1 }
  }
}

/// Parses text and Markdown transcripts: front matter, speaker labels,
/// continuation lines.
enum TextTranscriptParser {
  struct Result {
    var frontMatter: FrontMatter
    var blocks: [SpeechBlock]
    var warnings: [SubtitleDiagnostic]
  }

  static func parse(lines: [String], path: String) throws -> Result {
    var index = 0
    var frontMatter = FrontMatter()
    if lines.first?.trimmingCharacters(in: .whitespaces) == "---" {
      guard
        let end = lines.dropFirst().firstIndex(where: {
          $0.trimmingCharacters(in: .whitespaces) == "---"
            || $0.trimmingCharacters(in: .whitespaces) == "..."
        })
      else {
        throw ImportError.transcript(
          path: path, line: 1, message: "front matter is not closed by '---'")
      }
      frontMatter = try parseFrontMatter(Array(lines[1..<end]), path: path)
      index = end + 1
    }
    // In a dialogue, a label that appears once only is ordinary text with a
    // colon ("Note: …"), unless the front matter names it or it carries a
    // timestamp. A transcript with fewer than two recurring speakers is not
    // judged that way: there every label counts.
    var counts: [String: Int] = [:]
    var timed = Set<String>()
    for line in lines[index...] {
      if let label = SpeakerLabel.parse(line) {
        counts[label.speaker, default: 0] += 1
        if label.time != nil { timed.insert(label.speaker) }
      }
    }
    let recurring = Set(frontMatter.roles.keys).union(timed)
      .union(counts.filter { $0.value >= 2 }.keys)
    let acceptsEveryLabel = recurring.count < 2
    func isSpeaker(_ label: SpeakerLabel) -> Bool {
      acceptsEveryLabel || recurring.contains(label.speaker)
        || label.time != nil
    }
    var blocks: [SpeechBlock] = []
    var warnings: [SubtitleDiagnostic] = []
    var current: SpeechBlock?
    var pendingBlank = false
    func finish() {
      if var block = current {
        block.text = block.text.trimmingCharacters(in: .whitespacesAndNewlines)
        blocks.append(block)
      }
      current = nil
    }
    for lineIndex in index..<lines.count {
      let line = lines[lineIndex]
      if let label = SpeakerLabel.parse(line), isSpeaker(label) {
        finish()
        current = SpeechBlock(
          speaker: label.speaker, text: label.text, start: label.time, end: nil,
          line: lineIndex + 1)
        pendingBlank = false
        continue
      }
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty {
        pendingBlank = current != nil
        continue
      }
      guard var block = current else {
        // Markdown headings, emphasised notes and quotes are not speech.
        let isMarkdownNote = ["#", "*", "_", ">"].contains {
          trimmed.hasPrefix($0)
        }
        if !isMarkdownNote {
          warnings.append(
            SubtitleDiagnostic(
              isError: false, line: lineIndex + 1,
              message: "text before the first speaker label is skipped"))
        }
        continue
      }
      block.text +=
        block.text.isEmpty ? trimmed : (pendingBlank ? "\n\n" : "\n") + trimmed
      current = block
      pendingBlank = false
    }
    finish()
    if blocks.isEmpty {
      throw ImportError.transcript(
        path: path, line: index + 1,
        message:
          "no speaker labels: expected lines like 'Name: text' or '[00:01:02] Name: text'"
      )
    }
    return Result(frontMatter: frontMatter, blocks: blocks, warnings: warnings)
  }

  /// Reads the front matter: `title`, `date`, `language`, `roles` (speaker to
  /// role), `role`, and any other scalar fields as attributes.
  static func parseFrontMatter(_ lines: [String], path: String) throws
    -> FrontMatter
  {
    let yaml = lines.joined(separator: "\n")
    let node: Node?
    do {
      node = try Yams.compose(yaml: yaml)
    } catch let error as YamlError {
      var line = 2
      switch error {
      case .scanner(_, _, let mark, _), .parser(_, _, let mark, _),
        .composer(_, _, let mark, _):
        line = mark.line + 1
      default: break
      }
      throw ImportError.transcript(
        path: path, line: line, message: "invalid front matter YAML")
    }
    var result = FrontMatter()
    guard let node else { return result }
    guard case .mapping(let mapping) = node else {
      throw ImportError.transcript(
        path: path, line: 2, message: "front matter must be a mapping of fields"
      )
    }
    for (key, value) in mapping {
      guard let name = key.string else { continue }
      let line = (key.mark?.line ?? 1) + 1
      switch name {
      case "title": result.title = value.string
      case "language": result.language = value.string
      case "role": result.role = value.string
      case "date":
        guard let text = value.string, let date = CalendarDate(parsing: text)
        else {
          throw ImportError.transcript(
            path: path, line: line,
            message: "invalid date; expected YYYY-MM-DD or DD.MM.YYYY")
        }
        result.date = date
      case "roles":
        guard case .mapping(let roles) = value else {
          throw ImportError.transcript(
            path: path, line: line,
            message: "'roles' must map speaker labels to roles")
        }
        for (speaker, role) in roles {
          if let speaker = speaker.string, let role = role.string {
            result.roles[speaker] = role
          }
        }
      default:
        if let text = value.string {
          result.attributes.append((name, text))
        } else if case .sequence(let items) = value {
          result.attributes.append(
            (name, items.compactMap(\.string).joined(separator: ", ")))
        }
      }
    }
    return result
  }
}
