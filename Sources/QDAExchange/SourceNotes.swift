import Foundation
import QDAStore

/// What qda writes in the `Description` of a text source of a REFI-QDA
/// project, and reads back on import: the kind of the source's units, the
/// names of the fields its blocks label, and the role of each speaker who
/// has one, a `qda-` line each.
///
///     qda-kind: case
///     qda-field: request
///     qda-field: services
///
///     qda-kind: turn
///     qda-role: Interviewer = interviewer
///     qda-role: Аутрич-работник 2 = outreach-worker
///
/// A project's text is plain: a block's header gives its unit's id and
/// speaker, but not whether it is a turn or a chat message, nor the role
/// that keeps an interviewer's turns from being coded, nor where a work
/// report's request ends and its services begin. Units whose only field is
/// `text` are rendered as they are; otherwise each field starts a line
/// with its name (`request: …`), and the notes name the fields, so that
/// only those labels are read as fields. Other tools show the lines as the
/// source's description; the import ignores every other line.
struct SourceNotes: Equatable {
  /// The kind of every unit of the source, when they are all of one.
  var kind: String?
  /// The names of the fields the source's blocks label; empty when every
  /// unit's only field is `text`.
  var fields: [String] = []
  /// The speakers' roles, in the order first met.
  var roles: [SourceUnitProfile.SpeakerRole] = []

  /// The kinds of unit qda makes, the only ones an import takes.
  static let kinds: Set<String> = ["case", "turn", "message", "block"]
  static let kindPrefix = "qda-kind: "
  static let fieldPrefix = "qda-field: "
  /// What follows a field's name at the start of its text.
  static let labelSeparator = ": "
  static let rolePrefix = "qda-role: "
  static let roleSeparator = " = "

  /// The notes for a source whose units the store profiled.
  init(profile: SourceUnitProfile) {
    kind = profile.kinds.count == 1 ? profile.kinds[0] : nil
    // Fields are labelled unless `text` is the only one; not at all when a
    // name would not read back as one line.
    if profile.fields != ["text"],
      profile.fields.allSatisfy({
        !$0.isEmpty && !$0.contains(where: \.isNewline)
      })
    {
      fields = profile.fields
    }
    // A name that would not read back as one line is left out.
    roles = profile.roles.filter { entry in
      !entry.speaker.contains(where: \.isNewline)
        && !entry.role.contains(where: \.isNewline)
        && !entry.role.contains(Self.roleSeparator) && !entry.role.isEmpty
    }
  }

  /// The notes in a source's description; empty when qda did not write it.
  init(description: String?) {
    for line in description?.split(whereSeparator: \.isNewline) ?? [] {
      if line.hasPrefix(Self.kindPrefix) {
        let kind = line.dropFirst(Self.kindPrefix.count)
          .trimmingCharacters(in: .whitespaces)
        if self.kind == nil, Self.kinds.contains(kind) { self.kind = kind }
      } else if line.hasPrefix(Self.fieldPrefix) {
        let name = String(line.dropFirst(Self.fieldPrefix.count))
        if !name.isEmpty, !fields.contains(name) { fields.append(name) }
      } else if line.hasPrefix(Self.rolePrefix),
        let separator = line.range(
          of: Self.roleSeparator, options: .backwards)
      {
        let speaker = String(
          line[
            line.index(
              line.startIndex, offsetBy: Self.rolePrefix.count)..<separator
              .lowerBound])
        let role = line[separator.upperBound...]
          .trimmingCharacters(in: .whitespaces)
        if !speaker.isEmpty, !role.isEmpty,
          !roles.contains(where: { $0.speaker == speaker })
        {
          roles.append(.init(speaker: speaker, role: role))
        }
      }
    }
  }

  /// Whether there is nothing to write.
  var isEmpty: Bool { kind == nil && fields.isEmpty && roles.isEmpty }

  /// The description's text, a line each.
  var text: String {
    var lines: [String] = []
    if let kind { lines.append(Self.kindPrefix + kind) }
    for field in fields { lines.append(Self.fieldPrefix + field) }
    for entry in roles {
      lines.append(
        Self.rolePrefix + entry.speaker + Self.roleSeparator + entry.role)
    }
    return lines.joined(separator: "\n")
  }

  /// The role of `speaker`, if the notes give one.
  func role(of speaker: String?) -> String? {
    guard let speaker else { return nil }
    return roles.first { $0.speaker == speaker }?.role
  }

  /// The label that starts `field`'s text in a block.
  static func label(_ field: String) -> String { field + labelSeparator }

  /// A block's text split into the fields its labels start: `nil` when
  /// the notes name no fields or the text does not start with a label
  /// (then it is one field, `text`).
  ///
  /// A field runs from after its label to the line before the next label
  /// of a field not yet met; offsets are in Unicode scalars of `text`.
  func fields(of text: String) -> [(name: String, range: Range<Int>)]? {
    guard !fields.isEmpty else { return nil }
    let scalars = Array(text.unicodeScalars)
    let labels = fields.map { Array(Self.label($0).unicodeScalars) }
    func label(at offset: Int) -> Int? {
      labels.indices.first { index in
        let label = labels[index]
        return offset + label.count <= scalars.count
          && scalars[offset..<offset + label.count].elementsEqual(label)
      }
    }
    guard let first = label(at: 0) else { return nil }
    var result: [(name: String, range: Range<Int>)] = []
    var met: Set<Int> = [first]
    var current = (field: first, start: labels[first].count)
    var offset = 0
    while let newline = scalars[offset...].firstIndex(of: "\n") {
      offset = newline + 1
      if let next = label(at: offset), !met.contains(next) {
        result.append((fields[current.field], current.start..<newline))
        met.insert(next)
        current = (next, offset + labels[next].count)
      }
    }
    result.append((fields[current.field], current.start..<scalars.count))
    return result
  }
}
