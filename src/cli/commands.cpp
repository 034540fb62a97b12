// The dispatch table: every command the program knows, in the order --help lists them.
#include "src/cli/app.h"
#include "src/commands/init.h"
#include "src/commands/add.h"
#include "src/commands/import.h"
#include "src/commands/list.h"
#include "src/commands/show.h"
#include "src/commands/hold.h"
#include "src/commands/release.h"
#include "src/commands/retract.h"
#include "src/commands/replay.h"
#include "src/commands/verify.h"
#include "src/commands/check.h"
#include "src/commands/discover.h"
#include "src/commands/backups_add.h"
#include "src/commands/backups_import.h"
#include "src/commands/backups_list.h"
#include "src/commands/backups_remove.h"
#include "src/commands/pending.h"
#include "src/commands/info.h"
#include "src/commands/metrics.h"
#include "src/commands/config.h"
#include "src/commands/receipts_list.h"
#include "src/commands/receipts_show.h"
#include "src/commands/receipts_verify.h"
#include "src/commands/receipts_head.h"
#include "src/commands/seal_disable.h"
#include "src/commands/seal_enable.h"
#include "src/commands/seal_status.h"
#include "src/commands/store_check.h"
#include "src/commands/store_export.h"
#include "src/commands/store_import.h"
#include "src/commands/scan.h"
#include "src/commands/scrub.h"
#include "src/commands/help.h"

namespace tombstone {

const std::vector<const CommandSpec*>& Commands() {
  static const std::vector<const CommandSpec*> commands{
      &InitCommand(),
      &AddCommand(),
      &ImportCommand(),
      &ListCommand(),
      &ShowCommand(),
      &HoldCommand(),
      &ReleaseCommand(),
      &RetractCommand(),
      &ReplayCommand(),
      &VerifyCommand(),
      &CheckCommand(),
      &DiscoverCommand(),
      &BackupsAddCommand(),
      &BackupsImportCommand(),
      &BackupsListCommand(),
      &BackupsRemoveCommand(),
      &PendingCommand(),
      &InfoCommand(),
      &MetricsCommand(),
      &ReceiptsListCommand(),
      &ReceiptsShowCommand(),
      &ReceiptsVerifyCommand(),
      &ReceiptsHeadCommand(),
      &SealEnableCommand(),
      &SealDisableCommand(),
      &SealStatusCommand(),
      &StoreCheckCommand(),
      &StoreExportCommand(),
      &StoreImportCommand(),
      &ScanCommand(),
      &ScrubCommand(),
      &ConfigCommand(),
      &HelpCommand()};
  return commands;
}

}  // namespace tombstone
