#include "CSQLiteSetup.h"

#include <sqlite3.h>
#include <string.h>

/* The FTS5 tokenizer "qda_fast": the tokens of FTS5's own
 * "unicode61 remove_diacritics 2", byte for byte, found faster in the texts
 * most work reports are written in.
 *
 * A text made only of ASCII, the Cyrillic letters U+0400 to U+045F and a
 * few punctuation marks is tokenized here: a token is a run of ASCII
 * letters and digits and those Cyrillic letters, lower-cased (none of them
 * has a diacritic unicode61 removes; `FastTokenizerTests` checks every one
 * against unicode61), and everything else in such a text separates tokens,
 * as unicode61 has it. Any other text is handed to unicode61 whole.
 *
 * Before that, `ё` and `Ё` are folded to `е` and `Е`, as `qda_fold` folds
 * the texts the database's index is given (`YoFolding`): the tokens are
 * unicode61's of the folded text. Folding here, letter by letter as the
 * tokens are lower-cased, spares a pass over every text to find the `ё`
 * (whose second byte is also that of the common `с`).
 *
 * Only the private database a bulk load indexes in uses it (see
 * `SearchIndexBuilder`); the database's own index names unicode61, so every
 * connection, qda's or another tool's, reads and changes the index it
 * built. */

typedef struct {
  fts5_tokenizer general;     /* unicode61's methods */
  Fts5Tokenizer *generalInstance; /* with remove_diacritics 2 */
  char *buffer;               /* the lower-cased token being emitted, or the
                                 folded copy of a text handed to unicode61 */
  int capacity;
} FastTokenizer;

/* Whether the two bytes at `i` of `text` are `ё` (D1 91) or `Ё` (D0 81). */
static int isYo(const unsigned char *text, int i, int length) {
  return i + 1 < length && ((text[i] == 0xD1 && text[i + 1] == 0x91) ||
                            (text[i] == 0xD0 && text[i + 1] == 0x81));
}

/* Makes the buffer hold at least `length` bytes. */
static int reserve(FastTokenizer *tokenizer, int length) {
  if (length <= tokenizer->capacity) return SQLITE_OK;
  char *grown = sqlite3_realloc(tokenizer->buffer, length);
  if (!grown) return SQLITE_NOMEM;
  tokenizer->buffer = grown;
  tokenizer->capacity = length;
  return SQLITE_OK;
}

/* Hands `text` to unicode61, with `ё` and `Ё` folded to `е` (D0 B5) and `Е`
 * (D0 95) in a copy when it has any; folding keeps every offset. */
static int generalTokenize(FastTokenizer *tokenizer, void *context, int flags,
                           const char *characters, int length,
                           int (*emit)(void *, int, const char *, int, int,
                                       int)) {
  const unsigned char *text = (const unsigned char *)characters;
  int first = 0;
  while (first < length && !isYo(text, first, length)) first++;
  if (first < length) {
    int rc = reserve(tokenizer, length);
    if (rc != SQLITE_OK) return rc;
    unsigned char *folded = (unsigned char *)tokenizer->buffer;
    memcpy(folded, text, length);
    for (int i = first; i < length - 1; i++) {
      if (isYo(folded, i, length)) {
        folded[i + 1] = folded[i] == 0xD1 ? 0xB5 : 0x95;
        folded[i] = 0xD0;
        i++;
      }
    }
    characters = (const char *)folded;
  }
  return tokenizer->general.xTokenize(tokenizer->generalInstance, context,
                                      flags, characters, length, emit);
}

/* The lower-case of each ASCII letter and digit; 0 for a separator. */
static const unsigned char asciiToken[128] = {
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
    ['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
    ['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e',
    ['F'] = 'f', ['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j',
    ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n', ['O'] = 'o',
    ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't',
    ['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y',
    ['Z'] = 'z', ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd',
    ['e'] = 'e', ['f'] = 'f', ['g'] = 'g', ['h'] = 'h', ['i'] = 'i',
    ['j'] = 'j', ['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n',
    ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's',
    ['t'] = 't', ['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x',
    ['y'] = 'y', ['z'] = 'z',
};

/* The character at `i` of `text`: its length in bytes when it belongs to
 * a token, minus its length when it separates tokens, or 0 when this
 * tokenizer does not know it. */
static int characterClass(const unsigned char *text, int i, int length) {
  unsigned char lead = text[i];
  if (lead < 0x80) return asciiToken[lead] ? 1 : -1;
  int left = length - i;
  /* U+0400 to U+043F, and U+0440 to U+045F. */
  if (lead == 0xD0 && left >= 2 && (text[i + 1] & 0xC0) == 0x80) return 2;
  if (lead == 0xD1 && left >= 2 && text[i + 1] >= 0x80 && text[i + 1] <= 0x9F)
    return 2;
  /* No-break space, « and ». */
  if (lead == 0xC2 && left >= 2 &&
      (text[i + 1] == 0xA0 || text[i + 1] == 0xAB || text[i + 1] == 0xBB))
    return -2;
  if (lead == 0xE2 && left >= 3) {
    unsigned char second = text[i + 1], third = text[i + 2];
    /* – — ‘ ’ “ ” … */
    if (second == 0x80 &&
        (third == 0x93 || third == 0x94 || third == 0x98 || third == 0x99 ||
         third == 0x9C || third == 0x9D || third == 0xA6))
      return -3;
    /* № */
    if (second == 0x84 && third == 0x96) return -3;
  }
  return 0;
}

static int fastTokenize(Fts5Tokenizer *instance, void *context, int flags,
                        const char *characters, int length,
                        int (*emit)(void *, int, const char *, int, int,
                                    int)) {
  FastTokenizer *tokenizer = (FastTokenizer *)instance;
  const unsigned char *text = (const unsigned char *)characters;
  for (int i = 0; i < length; i++) {
    if (text[i] < 0x80) continue;
    int class = characterClass(text, i, length);
    if (class == 0) {
      return generalTokenize(tokenizer, context, flags, characters, length,
                             emit);
    }
    i += (class < 0 ? -class : class) - 1;
  }
  /* Lower-casing and folding keep every character's length. */
  int reserved = reserve(tokenizer, length);
  if (reserved != SQLITE_OK) return reserved;
  char *token = tokenizer->buffer;
  int i = 0;
  while (i < length) {
    int class;
    while (i < length && (class = characterClass(text, i, length)) < 0) {
      i -= class;
    }
    if (i >= length) break;
    int start = i, size = 0;
    while (i < length) {
      unsigned char lead = text[i];
      if (lead < 0x80) {
        if (!asciiToken[lead]) break;
        token[size++] = (char)asciiToken[lead];
        i += 1;
      } else if (lead == 0xD0) {
        unsigned char second = text[i + 1];
        if (second == 0x81) { /* Ё → е */
          token[size++] = (char)0xD0;
          token[size++] = (char)0xB5;
        } else if (second < 0x90) { /* Ѐ–Џ (U+0400–U+040F) → ѐ–џ */
          token[size++] = (char)0xD1;
          token[size++] = (char)(second + 0x10);
        } else if (second < 0xA0) { /* А–П → а–п */
          token[size++] = (char)0xD0;
          token[size++] = (char)(second + 0x20);
        } else if (second < 0xB0) { /* Р–Я → р–я */
          token[size++] = (char)0xD1;
          token[size++] = (char)(second - 0x20);
        } else { /* а–п */
          token[size++] = (char)0xD0;
          token[size++] = (char)second;
        }
        i += 2;
      } else if (lead == 0xD1) { /* р–я, ѐ–џ; ё → е */
        unsigned char second = text[i + 1];
        token[size++] = (char)(second == 0x91 ? 0xD0 : 0xD1);
        token[size++] = (char)(second == 0x91 ? 0xB5 : second);
        i += 2;
      } else {
        break;
      }
    }
    int rc = emit(context, 0, token, size, start, i);
    if (rc != SQLITE_OK) return rc;
  }
  return SQLITE_OK;
}

static int fastCreate(void *api, const char **arguments, int argumentCount,
                      Fts5Tokenizer **created) {
  fts5_api *fts5 = api;
  if (argumentCount != 0) return SQLITE_ERROR;
  FastTokenizer *tokenizer = sqlite3_malloc(sizeof *tokenizer);
  if (!tokenizer) return SQLITE_NOMEM;
  memset(tokenizer, 0, sizeof *tokenizer);
  void *generalContext = 0;
  int rc = fts5->xFindTokenizer(fts5, "unicode61", &generalContext,
                                &tokenizer->general);
  const char *generalArguments[] = {"remove_diacritics", "2"};
  if (rc == SQLITE_OK) {
    rc = tokenizer->general.xCreate(generalContext, generalArguments, 2,
                                    &tokenizer->generalInstance);
  }
  if (rc != SQLITE_OK) {
    sqlite3_free(tokenizer);
    return rc;
  }
  *created = (Fts5Tokenizer *)tokenizer;
  return SQLITE_OK;
}

static void fastDelete(Fts5Tokenizer *instance) {
  FastTokenizer *tokenizer = (FastTokenizer *)instance;
  if (tokenizer->generalInstance) {
    tokenizer->general.xDelete(tokenizer->generalInstance);
  }
  sqlite3_free(tokenizer->buffer);
  sqlite3_free(tokenizer);
}

int qda_register_fast_tokenizer(sqlite3 *db) {
  /* FTS5 hands out its API through a pointer bound to `SELECT fts5(?)`. */
  fts5_api *fts5 = 0;
  sqlite3_stmt *statement = 0;
  int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &statement, 0);
  if (rc != SQLITE_OK) return rc;
  sqlite3_bind_pointer(statement, 1, (void *)&fts5, "fts5_api_ptr", 0);
  sqlite3_step(statement);
  rc = sqlite3_finalize(statement);
  if (rc != SQLITE_OK) return rc;
  if (!fts5) return SQLITE_ERROR;
  static fts5_tokenizer methods = {fastCreate, fastDelete, fastTokenize};
  return fts5->xCreateTokenizer(fts5, "qda_fast", fts5, &methods, 0);
}
