// Identifier normalizers. The rules are part of the store format (docs/store-format.md):
// changing them would make old tombstones stop matching, so they are frozen per format version.
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "tombstones/tombstones.h"

namespace tombstones {
namespace {

bool IsAsciiSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string_view TrimAscii(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool IsAscii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

// Non-ASCII emails: trim Unicode White_Space, then NFKC_Casefold (ICU), so that full-width
// letters, composed/decomposed accents and case variants are one subject.
bool NormalizeUnicodeEmail(std::string_view raw, std::string* out) {
  UErrorCode err = U_ZERO_ERROR;
  const icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(raw.data(), static_cast<std::int32_t>(raw.size())));
  // fromUTF8 turns invalid sequences into U+FFFD; an invalid email never matches anything.
  if (text.indexOf(static_cast<char16_t>(0xFFFD)) >= 0) return false;
  std::int32_t begin = 0, end = text.length();
  while (begin < end && u_isUWhiteSpace(text.char32At(begin))) begin = text.moveIndex32(begin, 1);
  while (end > begin) {
    const std::int32_t prev = text.moveIndex32(end, -1);
    if (!u_isUWhiteSpace(text.char32At(prev))) break;
    end = prev;
  }
  const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(err);
  if (U_FAILURE(err)) return false;
  const icu::UnicodeString folded = nfkc_cf->normalize(text.tempSubStringBetween(begin, end), err);
  if (U_FAILURE(err)) return false;
  out->clear();
  folded.toUTF8String(*out);
  return !out->empty();
}

}  // namespace

std::string_view NormalizerName(Normalizer n) {
  switch (n) {
    case Normalizer::kEmail: return "email";
    case Normalizer::kDigits: return "digits";
    case Normalizer::kExact: break;
  }
  return "exact";
}

Result<Normalizer> ParseNormalizer(std::string_view name) {
  if (name == "email") return Normalizer::kEmail;
  if (name == "digits") return Normalizer::kDigits;
  if (name == "exact") return Normalizer::kExact;
  return Status::Usage("unable to use normalizer '" + std::string(name) +
                       "': unknown (known: email, exact, digits)");
}

Normalizer DefaultNormalizerFor(std::string_view kind) {
  if (kind == "email") return Normalizer::kEmail;
  if (kind == "phone" || kind == "digits") return Normalizer::kDigits;
  return Normalizer::kExact;
}

bool IsValidKindName(std::string_view kind) {
  if (kind.empty() || kind.size() > 64) return false;
  for (char c : kind)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

bool Normalize(Normalizer n, std::string_view raw, std::string* out) {
  switch (n) {
    case Normalizer::kExact:
      out->assign(raw);
      return !out->empty();
    case Normalizer::kDigits:
      out->clear();
      for (char c : raw)
        if (c >= '0' && c <= '9') out->push_back(c);
      return !out->empty();
    case Normalizer::kEmail: {
      if (!IsAscii(raw)) return NormalizeUnicodeEmail(raw, out);
      const std::string_view trimmed = TrimAscii(raw);
      out->resize(trimmed.size());
      for (std::size_t i = 0; i < trimmed.size(); ++i) {
        const char c = trimmed[i];
        (*out)[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
      }
      return !out->empty();
    }
  }
  return false;
}

}  // namespace tombstones
