/*
 * The grub4dos script interpreter: commands, scripts, variables and the
 * state they share. A command is one file in cmd/ that registers itself with
 * COMMAND(); the interpreter finds it through the linker table.
 */
#ifndef MB_SHELL_H
#define MB_SHELL_H

#include "console.h"
#include "err.h"
#include "libc.h"
#include "table.h"

/* ---- options (src/opt.c): one parser for every command ---- */
enum opt_kind {
    OPT_FLAG,      /* --name */
    OPT_VALUE,     /* --name=V or --name V */
    OPT_OPTVALUE,  /* --name or --name=V */
    OPT_IGNORED,   /* accepted and ignored (grub4dos' obsolete options) */
};
struct opt {
    const char *name; /* with its dashes: "--wait", "-n" */
    enum opt_kind kind;
};
struct opt_result {
    bool set;
    const char *value; /* points into argv; NULL when not given */
};

/* ---- commands ---- */
struct cmd_args {
    int argc;
    char **argv;        /* words with quotes and escapes removed; argv[0] is the name */
    char **rawv;        /* rawv[i]: the expanded text from word i to the end, as typed */
    struct opt_result *opt; /* parsed options, indexed like the command's opts */
    int first;          /* index of the first word after the options */
};

struct command {
    const char *name;
    int (*exec)(struct cmd_args *a);
    const char *usage;         /* one line: "echo [-n] [-e] [TEXT]" */
    const char *help;          /* what it does; may span lines */
    const struct opt *opts;    /* NULL-terminated; NULL for none */
};

TABLE_DECLARE(const struct command, commands);

#define COMMAND(id, fn, usage_, help_, opts_)                                  \
    const struct command command_##id TABLE_ENTRY(commands, 01) = {           \
        .name = #id, .exec = fn, .usage = usage_, .help = help_, .opts = opts_ }

/* The command named name, or NULL. */
const struct command *command_lookup(const char *name);

/*
 * Parse leading options of args against opts (see opt.c for the syntax).
 * Fills res[] (one per opts entry) and *first. Returns 0, or -EINVAL with a
 * message set when an option is unknown or lacks its value.
 */
int opt_parse(int argc, char **argv, const struct opt *opts, struct opt_result *res, int *first);

/* ---- scripts ---- */
struct script {
    char *name;     /* path used in messages: "(bd)/efi/grub/menu.lst" */
    char **lines;   /* one per source line, without the line end */
    int *lineno;    /* 1-based source line of each */
    int *match;     /* for a line that opens a block ('{' last), the line that closes it; else
                       -1; MATCH_BROKEN for a line in a brace error (it refuses to run) */
    size_t nlines;
    bool batch;     /* starts with !BAT */
    int refs;
};

#define MATCH_BROKEN (-2)

/*
 * Split text into a script. first_lineno numbers the first line (menu entries
 * start mid-file). Returns 0, or -ESYNTAX with the message and parse_line set
 * for the first unbalanced brace. The script is returned even then (its
 * broken lines refuse to run; lint lists them), and the caller frees it with
 * script_put. Parsing never touches where_file: the script may be freed
 * before anything prints.
 */
int script_parse(const char *name, const char *text, size_t len, int first_lineno,
                 struct script **out);
void script_put(struct script *s);
/* Load a file from a filesystem and parse it. */
int script_load(const char *path, struct script **out);

/* ---- running ---- */
/* Run one command from its words (no expansion: the caller did it). */
int shell_exec_argv(int argc, char **argv, char **rawv);
/* Load a batch file and run it with argv (argv[0] is %0). */
int shell_call_file(const char *path, int argc, char **argv);
/*
 * Find the file an external command names, as grub4dos does: a path as it
 * is; a bare name in the root directory, then in shell.cmd_path, then with
 * each of shell.cmd_ext's extensions. The resolved path goes to out.
 */
bool shell_find_external(const char *word, char *out, size_t size);
/* `call :label args`: run from the label in the current batch file. */
int shell_call_label(const char *label, int argc, char **argv);
/* Request a jump (goto); ":eof" returns from the batch or call. */
/* goto's N, +N or -N: a menu entry number rather than a label. */
bool shell_entry_number(const char *w);
int shell_goto(const char *label);
/* Drop argument n of the current batch frame (shift). */
int shell_shift(int n);
/* exit [code]: 0 leaves the current batch level, n >= 1 every level (errnum 1000+n). */
int shell_exit(int code);
/* The setlocal depth when the current batch started (endlocal stops there). */
int shell_frame_local_base(void);
/* The current batch frame's arguments (NULL when not in a batch file). */
void shell_frame_args(int *argc, char ***argv);
/*
 * The resolved path of the running batch file while %0 still names it (not in
 * a `call :label`, not after `shift`), else NULL. %~dpnxfz0 use it, since %0
 * is the word as typed: a bare name found on @path says nothing of its place.
 */
const char *shell_frame_file(void);
/* Run a whole script as a batch file, with argv[0] as %0. */
int shell_run_script(struct script *s, int argc, char **argv);

/*
 * Batch files loaded as commands by insmod (src/modules.c). A name is
 * matched ignoring case; the registry holds a reference to each script.
 */
#define MODULES_MAX 64
/* What insmod FILE names the module: FILE's last component ("(bd)/a/B.G4B" -> "B.G4B"). */
const char *module_name(const char *path);
struct script *module_find(const char *name);
int module_add(const char *name, struct script *s);
/* Unload name, or every module for "*"; returns how many went. */
int module_remove(const char *name);
/* The i-th module's name, or NULL past the last. */
const char *module_at(int i);
/* Run one line typed at the command line (no file, no blocks). */
int shell_run_line(const char *line);
/*
 * Run script lines [from, to) in a frame of their own: a menu entry (grub4dos
 * starts each with errorcheck on) or a menu's global section (off, so one bad
 * line does not stop the rest). errnum starts clear.
 */
int shell_run_block(struct script *s, size_t from, size_t to, bool errorcheck);

/* Control flow requested by a command, acted on by the line runner. */
enum flow {
    FLOW_NONE,
    FLOW_GOTO,      /* jump to label shell.flow_label in the current script */
    FLOW_EXIT,      /* leave the current batch file (exit) */
    FLOW_RETURN,    /* leave the current call (goto :eof) */
    FLOW_QUIT,      /* leave mapboot (exit_g4d) or restart the menu (configfile) */
    FLOW_CANCEL,    /* Ctrl-C: unwind every script level up to the entry or prompt */
    FLOW_ENTRY,     /* goto N in a menu: leave the entry and run entry shell.goto_entry */
};

#define SHELL_CMD_PATH "(bd)/efi/grub/" /* grub4dos for UEFI's command path */
#define SHELL_MAX_ARGS 256 /* words in one command: kernel command lines are long */
#define VAR_NAME_MAX 64
#define VAR_VALUE_MAX 4096

struct frame;

struct shell_state {
    int errnum;              /* -rc of the last command */
    long long retval;        /* @retval (and @retval64) */
    bool retval_set;         /* the command called shell_set_retval */
    bool interactive;        /* running a line typed at the prompt (calc prints) */
    bool menu_active;        /* a menu is loaded: commandline's Esc returns to it */
    char retstr[VAR_VALUE_MAX]; /* %?% */
    bool errorcheck;         /* stop a script at the first error */
    int debug;               /* grub4dos' debug level: 0 off, 1 normal (the default), 2 on */
    enum flow flow;
    char flow_label[VAR_NAME_MAX + 2];
    int goto_entry;          /* FLOW_ENTRY's menu entry */
    char cmd_path[96];       /* command --set-path: where bare command names are found */
    char cmd_ext[64];        /* command --set-ext: ";"-separated extensions tried too */
    int exit_code;
    bool block_entered;      /* set by the '{' pseudo-command */
    bool err_printed;        /* the current failure was reported already */
    /*
     * `CMD > nul`: the output goes, the error stays (grub4dos prints it once
     * the output is back on the screen). The last error line said while
     * output was discarded, with its file and line, is kept here; a success
     * clears it, and the runner shows it after the redirection when nothing
     * tested the failure (see say_line in interp.c).
     */
    char held_error[1024];
    bool in_iftitle;         /* evaluating an iftitle condition: no output commands */
    struct frame *frame;     /* innermost running script, NULL at the prompt */
    int depth;               /* nesting of scripts and calls */
    int nest;                /* nesting of commands run by commands (if, call, ...) */
    char *configfile;        /* a configfile to switch to (FLOW_QUIT), malloc'd */
    bool exit_app;           /* exit_g4d: return to the firmware */
    char root[64];           /* the current root device: "(bd)" */
    /* error message set by the failing command, printed once by the runner */
    char errmsg[512];
    /* where the running line came from, for messages */
    const char *where_file;
    int where_line;
    /* the source line of the first error script_parse or menu_parse found */
    int parse_line;
};
extern struct shell_state shell;
/* Microseconds from entry to the first menu drawn (the @menu_ms variable). */
extern uint64_t shell_menu_us;

/*
 * Record the message for an error and return rc, so a command can write
 * `return shell_error(-ENOENT, "no such file: %s", path);`.
 */
int shell_error(int rc, const char *fmt, ...) MB_PRINTF(2, 3);
/*
 * A command's failure: "CMD: MESSAGE" when a lower layer set a message
 * (it names the device or file), else "CMD: WHAT: <err_str(rc)>". Returns rc.
 */
int shell_fail(int rc, const char *cmd, const char *what);
/* Print a warning with file and line, without failing. */
void shell_warn(const char *fmt, ...) MB_PRINTF(1, 2);
void shell_set_retstr(const char *s);
/* 0, or an error when the command may not wait for keys here (iftitle). */
int shell_need_keyboard(const char *cmd);
/*
 * Commands return rc < 0 for an error (errnum = -rc, @retval = 0) or their
 * return value >= 0 (0 is "false" for && and ||, not an error). A command
 * whose value does not fit (calc, set /a) calls shell_set_retval as well.
 */
void shell_set_retval(long long v);

/* Expand %VAR%, %0-%9, %*, %~x0, %?% and @ variables in src. Returns a malloc'd string. */
char *shell_expand(const char *src);
/*
 * grub4dos' escapes in s (\n \t \r \a \b \f \v, \xHH, \XHHHH as UTF-8, \NNN octal;
 * any other \C is C) into out, which must hold strlen(s) * 3 + 1 bytes, NUL
 * ended. A NUL byte (\x00, \0) is written only when nul_ok, for writers of
 * bytes; text drops it, since it would cut the string short. Returns the
 * bytes written, not counting the final NUL.
 */
size_t str_unescape(const char *s, char *out, bool nul_ok);

/*
 * Split text into words: quotes group, backslash escapes the next character
 * (quotes and backslashes are removed from argv; rawv keeps them).
 * Returns 0, -E2BIG or -ESYNTAX. The caller frees with words_free.
 */
int words_split(const char *text, int *argc, char ***argv, char ***rawv);
void words_free(int argc, char **argv, char **rawv);
/*
 * Word i as typed (rawv, argc from words_split or cmd_args): quotes removed,
 * backslash escapes kept for str_unescape. malloc'd; NULL when out of memory.
 */
char *words_raw(int argc, char **rawv, int i);

/*
 * Split a line into its commands (at ;; && || ! &; |; and |), without
 * expanding anything, for lint. *out is a malloc'd array of malloc'd strings.
 */
int shell_split_commands(const char *line, char ***out, int *nout);
/* The line after :label among lines [begin, end) of s (a menu entry's goto stays in it), or -1. */
long shell_find_label(struct script *s, const char *label, size_t begin, size_t end);

/*
 * Check a script without running it: unknown commands, bad options,
 * unbalanced braces (the lines script_parse marked) and goto/call to
 * missing labels.
 * report is called with the source line and a message; returns the count.
 */
/*
 * Lint a parsed script: each problem goes to report as "message" (an error)
 * or "warning: message". Returns the errors; *warnings (if not NULL) gets
 * the warnings added.
 */
int lint_script(struct script *s, void (*report)(const char *file, int line, const char *msg),
                int *warnings);

/*
 * Why the command line argv is a grub4dos BIOS-only construct (Fn.N,
 * gfxmenu, initscript, kernel memdisk, chainloading ntldr, io.sys or
 * grldr), or NULL (src/biosonly.c).
 */
const char *bios_only(int argc, char **argv);
/*
 * The 32-bit value at a grub4dos BIOS memory address that mapboot emulates
 * (0x8278, the version date), or -ENOTSUP for every other address.
 */
int bios_addr_read(unsigned long long addr, unsigned long long *value);

/* ---- variables (src/vars.c) ---- */
/* The value of name, or NULL if unset. Handles @date, @time and the other built-ins. */
const char *var_get(const char *name);
/* Set (value NULL or "" deletes). Returns 0, -EINVAL for a bad name, -E2BIG, -ENOMEM. */
int var_set(const char *name, const char *value);
/*
 * A command's result variable, grub4dos style: ?_NAME (uuid sets %?_UUID%),
 * which set cannot write since '?' does not start a variable name.
 */
int var_set_result(const char *name, const char *value);
bool var_name_valid(const char *name);
/* Call fn for each variable whose name starts with prefix ("" for all), in creation order. */
void var_foreach(const char *prefix, void (*fn)(const char *name, const char *value, void *ctx),
                 void *ctx);
void var_clear_all(void);
int var_setlocal(void);
int var_endlocal(void);
int var_local_depth(void);

/* ---- arithmetic (src/calc.c) ---- */
/* Evaluate a grub4dos arithmetic expression (assignments update variables). */
int calc_eval(const char *expr, long long *out);
/* What calc_eval's error means; -ENOTSUP is a BIOS memory address (*ADDR). */
const char *calc_strerror(int rc);

/* ---- the line editor and command line (src/cmdline.c) ---- */
/*
 * Read a line with editing, history and (if complete) Tab completion of
 * command names. initial pre-fills the line. Returns 0, or -ECANCELED on Esc.
 * buf receives the line (always terminated).
 */
int cmdline_read(const char *prompt, const char *initial, char *buf, size_t size, bool complete,
                 bool hide);
/* The interactive command line; returns when the user leaves it (Esc in a menu). */
int cmdline_run(bool from_menu);

/* ---- start-up (src/startup.c) ---- */
/* Find and run the menu, else the command line. Returns when mapboot should exit. */
int shell_main(void);
/* Load and run one menu file; negative when it could not be loaded. */
int shell_menu_file(const char *path);

/* ---- boot hand-off ---- */
/*
 * A loader (chainloader, kernel) registers what `boot` will start. The entry
 * boots at its end when one is set. Loaders arrive with later commands.
 */
struct boot_loader {
    const char *name;
    int (*boot)(void *ctx);
    void (*release)(void *ctx);
    void *ctx;
};
void boot_set_loader(const struct boot_loader *l);
/*
 * An EFI file named on a command line (chainloader, load): resolved against
 * the root, checked to be a file, and split into the drive it is on (NULL:
 * the host's boot directory) and *path, its path on that drive (inside
 * full); a file over the network has no drive, and *path is all of full.
 * Errors have their message, prefixed with cmd.
 */
struct drive;
int boot_file(const char *cmd, const char *arg, char *full, size_t size, struct drive **d,
              const char **path);
/*
 * plat_image_load for cmd, with the errors worded once for every loader
 * command: a Secure Boot refusal, no boot loader on a device (path NULL),
 * anything else. what names the file or device in the message. A file over
 * the network (d NULL, path "(http,...)/...", as boot_file gives it) is
 * read into memory and loaded from there (plat_image_load_mem).
 */
int boot_image_load(const char *cmd, const char *what, struct drive *d, const char *path,
                    const char *args, void **image);
bool boot_have_loader(void);
/* The menus on (pd) when booted over PXE, in grub4dos' order (src/startup.c). */
int shell_pxe_menu(void);
int boot_run(void);
void boot_clear_loader(void);

#endif
