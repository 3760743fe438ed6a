import Foundation

/// How many identifiers of each kind a redaction replaced.
public struct RedactionCounts: Sendable, Equatable {
  /// Phone numbers, Russian (`+7 912 …`, `8 (912) …`) or international (`+44 …`).
  public var phones = 0
  /// E-mail addresses.
  public var emails = 0
  /// Telegram `@handles`.
  public var handles = 0
  /// `t.me`, `telegram.me` and `tg://` links.
  public var links = 0
  /// Payment card numbers (16 to 19 digits in groups of four).
  public var cards = 0

  /// No redactions.
  public init() {}

  /// All redactions together.
  public var total: Int { phones + emails + handles + links + cards }

  /// Adds counts.
  public static func += (lhs: inout RedactionCounts, rhs: RedactionCounts) {
    lhs.phones += rhs.phones
    lhs.emails += rhs.emails
    lhs.handles += rhs.handles
    lhs.links += rhs.links
    lhs.cards += rhs.cards
  }
}

/// Replaces personal identifiers in text by placeholders.
///
/// Work reports and chats hold phone numbers, e-mail addresses and Telegram
/// handles of clients who use drugs; qda keeps none of them by default.
/// Each identifier becomes `[phone]`, `[email]`, `[handle]`, `[link]` or
/// `[card]`.
///
/// A phone number is a run of 10 to 15 digits, optionally starting with `+`
/// or `(`, whose digits may be grouped by spaces, dots, hyphens or
/// parentheses; dates (8 digits) and case numbers stay as they are. A card
/// number is 16 to 19 digits in groups of four (spaces or hyphens between),
/// and is looked for first. E-mail addresses may be Cyrillic (`иван@почта.рф`).
public struct Redactor: Sendable {
  private let link = Redactor.compile(
    pattern:
      #"(?:https?://)?(?:www\.)?(?:t|telegram)\.me/[A-Za-z0-9_+/-]+|tg://[A-Za-z]+\?[^\s]+"#,
    options: [.caseInsensitive])
  private let card = Redactor.compile(
    pattern:
      #"(?<![\p{L}\p{N}+])\d{4}(?:[ \-]?\d{4}){3}(?:[ \-]?\d{1,3})?(?![\p{L}\p{N}])"#
  )
  private let email = Redactor.compile(
    pattern:
      #"[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}"#)
  private let handle = Redactor.compile(
    pattern: #"(?<![\p{L}\p{N}_@.])@[A-Za-z][A-Za-z0-9_]{3,31}(?![A-Za-z0-9_])"#
  )
  private let phone = Redactor.compile(
    pattern:
      #"(?<![\p{L}\p{N}+])(?:\+|\()?\d(?:[\s.()\-]{0,2}\d){9,14}(?![\p{L}\p{N}])"#
  )

  /// Creates a redactor.
  public init() {}

  /// Compiles one of the patterns above, which are constants known to be valid.
  private static func compile(
    pattern: String, options: NSRegularExpression.Options = []
  ) -> NSRegularExpression {
    do {
      return try NSRegularExpression(pattern: pattern, options: options)
    } catch {
      preconditionFailure("invalid built-in pattern \(pattern): \(error)")
    }
  }

  /// Returns `text` with identifiers replaced, and how many were replaced.
  public func redact(_ text: String) -> (String, RedactionCounts) {
    var counts = RedactionCounts()
    var result = text
    // Which expressions could match at all, from one look at each byte.
    var text = text
    let (digits, hasAt, hasSlash) = text.withUTF8(Self.look)
    if hasSlash {
      result = replace(link, in: result, with: "[link]", count: &counts.links)
    }
    if hasAt {
      result = replace(
        email, in: result, with: "[email]", count: &counts.emails)
      result = replace(
        handle, in: result, with: "[handle]", count: &counts.handles)
    }
    if digits >= 16 {
      result = replace(card, in: result, with: "[card]", count: &counts.cards)
    }
    if digits >= 10 {
      result = replace(
        phone, in: result, with: "[phone]", count: &counts.phones)
    }
    return (result, counts)
  }

  /// How many ASCII digits the bytes hold, and whether they hold an `@`
  /// and a `/`: what the expressions need to match at all.
  ///
  /// Eight bytes at a time, as one 64-bit word: a byte is a digit when,
  /// its top bit cleared, adding 0x50 carries into that bit (it is at
  /// least 0x30) and adding 0x46 does not (it is below 0x3A), and its top
  /// bit was clear; an `@` or `/` is a zero byte of the word XORed with
  /// it. No addition carries from one byte into the next. Callgrind, import
  /// of 20,000 cases: 47 million instructions a byte at a time (with the
  /// counts in variables of `redact`, three exclusivity checks a text: 52
  /// million; Swift's SIMD types, sixteen bytes at a time: 192 million).
  static func look(_ bytes: UnsafeBufferPointer<UInt8>) -> (
    digits: Int, hasAt: Bool, hasSlash: Bool
  ) {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs = UnsafeBufferPointer<UInt8>.highBits
    var digits = 0
    var ats: UInt64 = 0
    var slashes: UInt64 = 0
    var index = bytes.scanWords { word in
      let low = word & ~highs
      let isDigit =
        (low &+ 0x5050_5050_5050_5050) & ~(low &+ 0x4646_4646_4646_4646)
        & ~word & highs
      // The top bits moved to the bottom of each byte and summed into the
      // top byte (at most 8).
      digits &+= Int(truncatingIfNeeded: ((isDigit >> 7) &* ones) >> 56)
      let at = word ^ 0x4040_4040_4040_4040
      ats |= (at &- ones) & ~at & highs
      let slash = word ^ 0x2F2F_2F2F_2F2F_2F2F
      slashes |= (slash &- ones) & ~slash & highs
      return true
    }
    var hasAt = ats != 0
    var hasSlash = slashes != 0
    while index < bytes.count {
      let byte = bytes[index]
      digits &+= byte &- 0x30 < 10 ? 1 : 0
      hasAt = hasAt || byte == UInt8(ascii: "@")
      hasSlash = hasSlash || byte == UInt8(ascii: "/")
      index += 1
    }
    return (digits, hasAt, hasSlash)
  }

  /// Replaces every match of `expression` in `text` by `placeholder`, and
  /// adds the number of matches to `count`.
  ///
  /// One search: the matches found are replaced here, rather than counted
  /// by one call of the expression and replaced by another, which searched
  /// the text again. Callgrind, import of 20,000 cases: the second search
  /// took about 54,000 instructions a text with a match, 1 % of the import.
  private func replace(
    _ expression: NSRegularExpression, in text: String,
    with placeholder: String,
    count: inout Int
  ) -> String {
    let matches = expression.matches(
      in: text, range: NSRange(text.startIndex..., in: text))
    guard !matches.isEmpty else { return text }
    count += matches.count
    var result = ""
    var rest = text.startIndex
    for match in matches {
      guard let range = Range(match.range, in: text) else {
        // Not a range of whole scalars: let the expression replace.
        return expression.stringByReplacingMatches(
          in: text, range: NSRange(text.startIndex..., in: text),
          withTemplate: NSRegularExpression.escapedTemplate(for: placeholder))
      }
      result += text[rest..<range.lowerBound]
      result += placeholder
      rest = range.upperBound
    }
    result += text[rest...]
    return result
  }
}
