import ArgumentParser
import Foundation
import QDAStore

extension QDA.Code {
  /// `qda code review --coder NAME`: code unit by unit, interactively.
  struct Review: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "review",
      abstract:
        "Code units one by one in the terminal (or through standard input).",
      discussion: """
        Shows each unit the coder has not finished: its text and attributes, the auto \
        suggestions and the coder's codes, with the codebook's codes by number. Answers: \
        'a' accepts the auto suggestions; '+3' or '+3,5' adds codes by number (or id); '-3' \
        removes; 'm TEXT' writes a memo; 'n' or an empty line finishes the unit; 's' skips \
        it; 'c' lists the codes; 'q' quits. Every answer is saved at once; the next session \
        resumes at the first unit not finished or skipped.
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions
    @OptionGroup var scope: UnitFilterOptions

    @Option(help: "The coder's name.")
    var coder: String

    func validate() throws { try validateManualCoder(coder) }

    func run() throws {
      try reportingFailures {
        let store = try database.openForReading()
        defer { store.close() }
        var session = ReviewSession(
          store: store, coder: coder, filter: scope.filter)
        try session.run()
      }
    }
  }
}

/// The interactive review loop: reads answers line by line, saves each at once.
struct ReviewSession {
  let store: Store
  let coder: String
  let filter: UnitFilter

  func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
  }

  func prompt() {
    FileHandle.standardOutput.write(Data("> ".utf8))
  }

  mutating func run() throws {
    let codes = try store.codebookCodes()
    guard !codes.isEmpty else { throw StoreError.noCodebook }
    let queue = try store.unitsToReview(coder: coder, filter: filter)
    let total = try store.unitCounts(filter).first?.units ?? 0
    guard !queue.isEmpty else {
      say(
        "Nothing to review: '\(coder)' has finished all \(total) units in scope."
      )
      return
    }
    say(
      "Reviewing as '\(coder)': \(queue.count) of \(total) units left. Type 'c' for the codes, '?' for help."
    )
    listCodes(codes)
    for (offset, unit) in queue.enumerated() {
      show(
        unit, position: total - queue.count + offset + 1, total: total,
        codes: codes)
      unitLoop: while true {
        prompt()
        guard let line = readLine() else {
          say("")
          say("Stopped; the next session resumes at \(unit.id).")
          return
        }
        let answer = line.trimmingCharacters(in: .whitespaces)
        switch answer.first {
        case nil, "n":
          if answer.isEmpty || answer == "n" || answer == "next" {
            try store.markReviewed(
              unit: unit.id, coder: coder, status: .done, memo: nil)
            break unitLoop
          }
          say("Unknown answer '\(answer)'; type '?' for help.")
        case "s":
          try store.markReviewed(
            unit: unit.id, coder: coder, status: .skipped, memo: nil)
          say("Skipped \(unit.id).")
          break unitLoop
        case "q":
          say("Stopped; the next session resumes at \(unit.id).")
          return
        case "a":
          let suggestions = try auto(unit.id)
          if suggestions.isEmpty {
            say("No auto suggestions.")
          } else {
            try store.addCodings(
              suggestions.map { ManualCoding(unit: unit.id, code: $0) },
              coder: coder)
            say("Accepted: \(suggestions.joined(separator: ", ")).")
          }
        case "+", "-":
          let isAdding = answer.first == "+"
          let picked = resolve(String(answer.dropFirst()), codes: codes)
          guard !picked.isEmpty else {
            say(
              "No such code '\(answer.dropFirst())'; type 'c' for the numbers.")
            continue
          }
          for code in picked {
            if isAdding {
              try store.addCodings(
                [ManualCoding(unit: unit.id, code: code)], coder: coder)
            } else {
              do {
                try store.removeCoding(unit: unit.id, code: code, coder: coder)
              } catch StoreError.missingCoding {
                say("\(code) was not coded.")
                continue
              }
            }
          }
          say(
            "Your codes: \(try mine(unit.id).joined(separator: ", ").nonEmpty ?? "(none)")."
          )
        case "m":
          let memo = String(answer.drop { $0 != " " }).trimmingCharacters(
            in: .whitespaces)
          guard !memo.isEmpty else {
            say(
              "Write the memo after 'm', as 'm unclear whether the abscess is healing'."
            )
            continue
          }
          try store.setReviewMemo(unit: unit.id, coder: coder, memo: memo)
          say("Memo saved.")
        case "c":
          listCodes(codes)
        default:
          say(
            "Answers: a (accept auto), +N add, -N remove, m TEXT memo, n/Enter next, s skip, c codes, q quit."
          )
        }
      }
    }
    say("Done: '\(coder)' has reviewed every unit in scope.")
  }

  func listCodes(_ codes: [StoredCode]) {
    let lines = codes.enumerated().map { "\($0.offset + 1). \($0.element.id)" }
    say("Codes: " + lines.joined(separator: "  "))
  }

  func auto(_ unit: String) throws -> [String] {
    try store.codings(ofUnit: unit).filter { $0.coder == "auto" }.map(\.code)
  }

  func mine(_ unit: String) throws -> [String] {
    try store.codings(ofUnit: unit).filter { $0.coder == coder }.map(\.code)
  }

  func show(
    _ unit: ExportedUnit, position: Int, total: Int, codes: [StoredCode]
  ) {
    var header = "[\(position)/\(total)] \(unit.id) · \(unit.kind)"
    if let date = unit.date { header += " · \(date)" }
    if let speaker = unit.speaker { header += " · \(speaker)" }
    say("")
    say(header)
    for attribute in unit.attributes {
      say("  \(attribute.name): \(attribute.value)")
    }
    for text in unit.texts {
      say(
        "  \(text.name): \(text.value.replacingOccurrences(of: "\n", with: "\n    "))"
      )
    }
    let number = Dictionary(
      uniqueKeysWithValues: codes.enumerated().map { ($1.id, $0 + 1) })
    let suggestions = (try? auto(unit.id)) ?? []
    let own = (try? mine(unit.id)) ?? []
    func numbered(_ ids: [String]) -> String {
      ids.map { "\(number[$0].map(String.init) ?? "?") \($0)" }.joined(
        separator: ", "
      ).nonEmpty ?? "(none)"
    }
    say("  auto suggests: \(numbered(suggestions))")
    say("  your codes: \(numbered(own))")
    if let memo = try? store.reviewMemo(unit: unit.id, coder: coder) {
      say("  memo: \(memo)")
    }
  }

  /// Codes named by numbers or ids, separated by commas.
  func resolve(_ text: String, codes: [StoredCode]) -> [String] {
    var result: [String] = []
    for part in text.split(separator: ",") {
      let token = part.trimmingCharacters(in: .whitespaces)
      if let index = Int(token), codes.indices.contains(index - 1) {
        result.append(codes[index - 1].id)
      } else if codes.contains(where: { $0.id == token }) {
        result.append(token)
      } else {
        return []
      }
    }
    return result
  }
}

extension String {
  /// The string, or `nil` when empty.
  fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}
