/// A deterministic random number generator (SplitMix64), so that a
/// randomised test draws the same cases on every run and a failure can be
/// replayed.
public struct SeededGenerator: RandomNumberGenerator {
  private var state: UInt64

  /// A generator whose sequence is fixed by `seed`.
  public init(seed: UInt64) {
    state = seed
  }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

extension SeededGenerator {
  /// A text of between `counts.lowerBound` and `counts.upperBound` pieces,
  /// each drawn from `pieces`: how randomised tests make texts full of the
  /// characters that matter to the code under test.
  public mutating func text(of pieces: [String], counts: ClosedRange<Int>)
    -> String
  {
    (0..<Int.random(in: counts, using: &self)).map { _ in
      pieces.randomElement(using: &self) ?? ""
    }.joined()
  }
}
