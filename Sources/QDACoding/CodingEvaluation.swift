import QDACodebook

/// Precision, recall and F1 of rule-based coding against a human coder.
///
/// Each case counts once per code: a true positive when both the rules and
/// the human applied the code, a false positive when only the rules did, a
/// false negative when only the human did.
public struct CodingEvaluation: Sendable {
  /// The counts and scores of one code.
  public struct Score: Sendable, Equatable {
    /// Cases both coded.
    public var truePositives = 0
    /// Cases only the rules coded.
    public var falsePositives = 0
    /// Cases only the human coded.
    public var falseNegatives = 0

    /// Precision, or `nil` when the rules never applied the code.
    public var precision: Double? {
      let predicted = truePositives + falsePositives
      return predicted == 0 ? nil : Double(truePositives) / Double(predicted)
    }

    /// Recall, or `nil` when the human never applied the code.
    public var recall: Double? {
      let actual = truePositives + falseNegatives
      return actual == 0 ? nil : Double(truePositives) / Double(actual)
    }

    /// F1, or `nil` when neither coder applied the code.
    public var f1: Double? {
      let denominator = 2 * truePositives + falsePositives + falseNegatives
      return denominator == 0
        ? nil : Double(2 * truePositives) / Double(denominator)
    }

    static func += (lhs: inout Score, rhs: Score) {
      lhs.truePositives += rhs.truePositives
      lhs.falsePositives += rhs.falsePositives
      lhs.falseNegatives += rhs.falseNegatives
    }
  }

  /// One evaluated case.
  public struct Case: Sendable {
    /// The case id.
    public var id: String
    /// The codes a human gave.
    public var expected: Set<String>
    /// The codes the rules gave.
    public var predicted: Set<String>
  }

  /// Scores per code, in codebook order.
  public private(set) var scores: [(code: String, score: Score)]
  /// The cases, with both sets of codes.
  public private(set) var cases: [Case]

  /// Codes every case of `units` and compares with `expected`.
  ///
  /// - Parameters:
  ///   - codebook: The codebook whose rules are evaluated.
  ///   - codes: The codes evaluated (others are ignored on both sides).
  ///   - units: (id, unit, expected codes) per case.
  public init(
    codebook: Codebook, codes: [String],
    units: [(id: String, unit: MatchableUnit, expected: Set<String>)]
  ) {
    let evaluated = Set(codes)
    var byCode: [String: Score] = [:]
    var cases: [Case] = []
    for (id, unit, expected) in units {
      let predicted = Set(codebook.codeIDs(firingOn: unit).map(\.code))
        .intersection(evaluated)
      let expected = expected.intersection(evaluated)
      for code in evaluated {
        switch (predicted.contains(code), expected.contains(code)) {
        case (true, true): byCode[code, default: Score()].truePositives += 1
        case (true, false): byCode[code, default: Score()].falsePositives += 1
        case (false, true): byCode[code, default: Score()].falseNegatives += 1
        case (false, false): break
        }
      }
      cases.append(Case(id: id, expected: expected, predicted: predicted))
    }
    self.scores = codes.map { ($0, byCode[$0] ?? Score()) }
    self.cases = cases
  }

  /// The micro-averaged score: all codes' counts pooled.
  public var micro: Score {
    var total = Score()
    for (_, score) in scores { total += score }
    return total
  }

  /// A plain-text table of the scores, for test logs.
  public var summary: String {
    func format(_ value: Double?) -> String {
      guard let value else { return "  n/a" }
      let thousandths = Int((value * 1000).rounded())
      return String(thousandths / 1000) + "."
        + String(thousandths % 1000).leftPadded(to: 3)
    }
    let width = max(5, scores.map(\.code.count).max() ?? 0)
    var lines = [
      "code".padding(width) + "    tp   fp   fn  precision  recall     f1"
    ]
    for (code, score) in scores + [("micro", micro)] {
      lines.append(
        code.padding(width)
          + String(score.truePositives).leftPadded(to: 6, with: " ")
          + String(score.falsePositives).leftPadded(to: 5, with: " ")
          + String(score.falseNegatives).leftPadded(to: 5, with: " ")
          + format(score.precision).leftPadded(to: 11, with: " ")
          + format(score.recall).leftPadded(to: 8, with: " ")
          + format(score.f1).leftPadded(to: 7, with: " "))
    }
    for item in cases where item.expected != item.predicted {
      let missed = item.expected.subtracting(item.predicted).sorted()
      let extra = item.predicted.subtracting(item.expected).sorted()
      lines.append("\(item.id): missed \(missed) extra \(extra)")
    }
    return lines.joined(separator: "\n")
  }
}

extension String {
  fileprivate func padding(_ width: Int) -> String {
    self + String(repeating: " ", count: max(0, width - count))
  }

  fileprivate func leftPadded(to width: Int, with pad: Character = "0")
    -> String
  {
    String(repeating: pad, count: max(0, width - count)) + self
  }
}
