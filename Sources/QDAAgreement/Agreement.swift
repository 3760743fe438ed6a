/// Inter-coder agreement statistics: percent agreement, Cohen's kappa
/// (unweighted, linear, quadratic), Fleiss' kappa and Krippendorff's alpha
/// (nominal, ordinal, interval, ratio; missing values allowed).
///
/// Every statistic returns `nil` where it is undefined — when the data has a
/// single category, the expected disagreement is zero and the ratio has no
/// value — never NaN and never a made-up 0 or 1.
///
/// ```swift
/// let alpha = Agreement.krippendorffAlpha([["a", "b", nil], ["a", "b", "b"]])
/// let kappa = Agreement.cohenKappa(table: [[20, 20], [10, 50]])   // 0.348
/// ```
public enum Agreement {
  /// The level of measurement of Krippendorff's alpha.
  public enum Level: String, Sendable, CaseIterable {
    /// Categories without order.
    case nominal
    /// Ordered categories; distances by ranks of the values that occur.
    case ordinal
    /// Numbers; squared differences.
    case interval
    /// Numbers with a true zero; squared relative differences.
    case ratio
  }

  /// The weights of Cohen's kappa.
  public enum Weights: String, Sendable, CaseIterable {
    /// Every disagreement counts the same.
    case none
    /// Disagreements weigh by the distance of category ranks.
    case linear
    /// Disagreements weigh by the squared distance of category ranks.
    case quadratic
  }

  // MARK: - Percent agreement

  /// The share of units on which all coders who coded the unit agree.
  ///
  /// - Parameter data: Values per coder (rows) and unit (columns); `nil` is missing.
  /// - Returns: The share in 0...1 over units with at least two values, or
  ///   `nil` when there is no such unit.
  public static func percentAgreement<Value: Hashable>(_ data: [[Value?]])
    -> Double?
  {
    let units = data.map(\.count).max() ?? 0
    var paired = 0
    var agreeing = 0
    for unit in 0..<units {
      let values = data.compactMap { unit < $0.count ? $0[unit] : nil }
      guard values.count >= 2 else { continue }
      paired += 1
      if Set(values).count == 1 { agreeing += 1 }
    }
    return paired == 0 ? nil : Double(agreeing) / Double(paired)
  }

  // MARK: - Cohen's kappa

  /// Cohen's kappa from a contingency table.
  ///
  /// - Parameters:
  ///   - table: Counts; rows are coder A's categories, columns coder B's, in
  ///     the same order.
  ///   - weights: How disagreements weigh; weighted kappa uses the distance of
  ///     category indices (as scikit-learn and R irr do with the categories
  ///     that occur).
  /// - Returns: Kappa, or `nil` when undefined (one category only, or no data).
  public static func cohenKappa(table: [[Double]], weights: Weights = .none)
    -> Double?
  {
    let size = table.count
    guard size > 0, table.allSatisfy({ $0.count == size }) else { return nil }
    let total = table.reduce(0) { $0 + $1.reduce(0, +) }
    guard total > 0 else { return nil }
    let rows = table.map { $0.reduce(0, +) }
    let columns = (0..<size).map { column in table.reduce(0) { $0 + $1[column] }
    }
    func weight(_ i: Int, _ j: Int) -> Double {
      switch weights {
      case .none: return i == j ? 0 : 1
      case .linear: return Double(abs(i - j))
      case .quadratic: return Double((i - j) * (i - j))
      }
    }
    var observed = 0.0
    var expected = 0.0
    for i in 0..<size {
      for j in 0..<size {
        observed += weight(i, j) * table[i][j] / total
        expected += weight(i, j) * rows[i] * columns[j] / (total * total)
      }
    }
    guard expected > 1e-15 else { return nil }
    return 1 - observed / expected
  }

  /// Cohen's kappa of two coders' labels on the same units.
  ///
  /// Categories are the labels that occur in either list, in sorted order
  /// (their ranks are the distances of weighted kappa).
  public static func cohenKappa<Label: Hashable & Comparable>(
    _ first: [Label], _ second: [Label], weights: Weights = .none
  ) -> Double? {
    guard first.count == second.count, !first.isEmpty else { return nil }
    let categories = Array(Set(first + second)).sorted()
    let index = Dictionary(
      uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
    var table = Array(
      repeating: Array(repeating: 0.0, count: categories.count),
      count: categories.count)
    for (a, b) in zip(first, second) {
      if let i = index[a], let j = index[b] { table[i][j] += 1 }
    }
    return cohenKappa(table: table, weights: weights)
  }

  // MARK: - Fleiss' kappa

  /// Fleiss' kappa from counts: per subject, how many raters chose each category.
  ///
  /// - Parameter counts: Subjects (rows) × categories (columns); every row
  ///   must sum to the same number of raters, at least 2.
  /// - Returns: Kappa, or `nil` when undefined.
  public static func fleissKappa(counts: [[Int]]) -> Double? {
    guard let first = counts.first else { return nil }
    let raters = first.reduce(0, +)
    guard raters >= 2,
      counts.allSatisfy({ $0.reduce(0, +) == raters && $0.count == first.count }
      )
    else { return nil }
    let subjects = Double(counts.count)
    let n = Double(raters)
    var meanAgreement = 0.0
    var shares = Array(repeating: 0.0, count: first.count)
    for row in counts {
      let agreement = row.reduce(0.0) { $0 + Double($1 * $1) }
      meanAgreement += (agreement - n) / (n * (n - 1))
      for (category, count) in row.enumerated() {
        shares[category] += Double(count)
      }
    }
    meanAgreement /= subjects
    let expected = shares.reduce(0.0) {
      $0 + ($1 / (subjects * n)) * ($1 / (subjects * n))
    }
    guard 1 - expected > 1e-15 else { return nil }
    return (meanAgreement - expected) / (1 - expected)
  }

  /// Fleiss' kappa from raw ratings: subjects (rows) × raters (columns).
  public static func fleissKappa<Label: Hashable & Comparable>(
    ratings: [[Label]]
  ) -> Double? {
    let categories = Array(Set(ratings.flatMap { $0 })).sorted()
    let index = Dictionary(
      uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
    let counts = ratings.map { row in
      row.reduce(into: Array(repeating: 0, count: categories.count)) {
        counts, label in
        if let i = index[label] { counts[i] += 1 }
      }
    }
    return fleissKappa(counts: counts)
  }

  // MARK: - Krippendorff's alpha

  /// Krippendorff's alpha of reliability data.
  ///
  /// - Parameters:
  ///   - data: Values per coder (rows) and unit (columns); `nil` is missing.
  ///     Units with fewer than two values are not pairable and do not count.
  ///   - level: The level of measurement. For every level but nominal, the
  ///     values must be numbers (as text); otherwise the result is `nil`.
  /// - Returns: Alpha, or `nil` when undefined (fewer than two distinct values
  ///   among pairable units, or no pairable unit).
  public static func krippendorffAlpha(
    _ data: [[String?]], level: Level = .nominal
  ) -> Double? {
    let units = data.map(\.count).max() ?? 0
    // The values that occur, in order (numeric when the level needs it).
    var values: [String] = []
    var unitValues: [[String]] = []
    for unit in 0..<units {
      let present = data.compactMap { unit < $0.count ? $0[unit] : nil }
      guard present.count >= 2 else { continue }
      unitValues.append(present)
      values.append(contentsOf: present)
    }
    var categories = Array(Set(values))
    if level == .nominal {
      categories.sort()
    } else {
      guard categories.allSatisfy({ Double($0) != nil }) else { return nil }
      categories.sort { (Double($0) ?? 0) < (Double($1) ?? 0) }
    }
    guard categories.count >= 2 else { return nil }
    let index = Dictionary(
      uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
    let size = categories.count
    // The coincidence matrix.
    var coincidences = Array(
      repeating: Array(repeating: 0.0, count: size), count: size)
    for present in unitValues {
      let m = Double(present.count)
      var counts = Array(repeating: 0.0, count: size)
      for value in present { if let i = index[value] { counts[i] += 1 } }
      for c in 0..<size where counts[c] > 0 {
        for k in 0..<size where counts[k] > 0 {
          let pairs =
            c == k ? counts[c] * (counts[c] - 1) : counts[c] * counts[k]
          coincidences[c][k] += pairs / (m - 1)
        }
      }
    }
    let marginals = coincidences.map { $0.reduce(0, +) }
    let n = marginals.reduce(0, +)
    guard n > 1 else { return nil }
    let numbers = categories.map { Double($0) ?? 0 }
    func distance(_ c: Int, _ k: Int) -> Double {
      switch level {
      case .nominal:
        return c == k ? 0 : 1
      case .ordinal:
        let (low, high) = (min(c, k), max(c, k))
        let between = marginals[low...high].reduce(0, +)
        let value = between - (marginals[c] + marginals[k]) / 2
        return value * value
      case .interval:
        return (numbers[c] - numbers[k]) * (numbers[c] - numbers[k])
      case .ratio:
        let sum = numbers[c] + numbers[k]
        guard sum != 0 else { return 0 }
        return ((numbers[c] - numbers[k]) / sum)
          * ((numbers[c] - numbers[k]) / sum)
      }
    }
    var observed = 0.0
    var expected = 0.0
    for c in 0..<size {
      for k in 0..<size {
        let delta = distance(c, k)
        observed += coincidences[c][k] * delta
        expected += marginals[c] * marginals[k] * delta
      }
    }
    expected /= (n - 1)
    guard expected > 1e-15 else { return nil }
    return 1 - observed / expected
  }
}
