// Who is making a change: the operating-system user of the process, kept in history records.
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "tombstones/tombstones.h"

namespace tombstones {

std::string OsUser() {
  // The effective uid decides what the process may do, so it is the one recorded; its name is
  // looked up once (a bulk import records one event per held tombstone).
  static const std::string user = [] {
    const uid_t uid = ::geteuid();
    std::string name = "uid " + std::to_string(uid);
    std::vector<char> buffer(16384);
    passwd entry{};
    passwd* found = nullptr;
    if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr)
      name = found->pw_name;
    // sudo says who asked; only worth noting when it changed the user.
    const char* sudo = std::getenv("SUDO_USER");
    if (sudo != nullptr && *sudo != '\0' && name != sudo)
      name += " (sudo from " + std::string(sudo) + ")";
    return name;
  }();
  return user;
}

Actor Actor::Current() { return Actor{OsUser(), Now()}; }

std::string_view HistoryKindName(HistoryEvent::Kind kind) {
  switch (kind) {
    case HistoryEvent::Kind::kHold: return "hold";
    case HistoryEvent::Kind::kRehold: return "re-hold";
    case HistoryEvent::Kind::kRelease: return "release";
    case HistoryEvent::Kind::kRetract: return "retract";
  }
  return "?";
}

}  // namespace tombstones
