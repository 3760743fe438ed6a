import Foundation
import QDAStore

/// What qda writes in the `Description` of a text source of a REFI-QDA
/// project, and reads back on import: the kind of the source's units and
/// the role of each speaker who has one, a `qda-` line each.
///
///     qda-kind: turn
///     qda-role: Interviewer = interviewer
///     qda-role: Аутрич-работник 2 = outreach-worker
///
/// A project's text is plain: a block's header gives its unit's id and
/// speaker, but not whether it is a turn or a chat message, nor the role
/// that keeps an interviewer's turns from being coded. Other tools show the
/// lines as the source's description; the import ignores every other line.
struct SourceNotes: Equatable {
  /// The kind of every unit of the source, when they are all of one.
  var kind: String?
  /// The speakers' roles, in the order first met.
  var roles: [SourceUnitProfile.SpeakerRole] = []

  /// The kinds of unit qda makes, the only ones an import takes.
  static let kinds: Set<String> = ["case", "turn", "message", "block"]
  static let kindPrefix = "qda-kind: "
  static let rolePrefix = "qda-role: "
  static let roleSeparator = " = "

  /// The notes for a source whose units the store profiled.
  init(profile: SourceUnitProfile) {
    kind = profile.kinds.count == 1 ? profile.kinds[0] : nil
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
  var isEmpty: Bool { kind == nil && roles.isEmpty }

  /// The description's text, a line each.
  var text: String {
    var lines: [String] = []
    if let kind { lines.append(Self.kindPrefix + kind) }
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
}
