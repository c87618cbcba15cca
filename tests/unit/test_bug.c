/* Unit tests for BUG(): a broken invariant aborts and says where (the
 * caller's file:line), and the Lua stack check does the same. Each case
 * runs in a child, whose standard error is read back through a pipe. */
#include "base/bug.h"
#include "base/diag.h"
#include "lua/luavm.h"

#include <lua.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

/* Runs fn in a child; returns its wait status and what it wrote on
 * standard error (in out, NUL-terminated). */
static int in_child(void (*fn)(void), char *out, size_t cap)
{
	int fds[2];
	if (pipe(fds) < 0)
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], 2);
		/* no core file for an abort on purpose */
		signal(SIGABRT, SIG_DFL);
		fn();
		_exit(0);
	}
	close(fds[1]);
	size_t have = 0;
	ssize_t n;
	while (have + 1 < cap && (n = read(fds[0], out + have, cap - 1 - have)) > 0)
		have += (size_t)n;
	out[have] = '\0';
	close(fds[0]);
	int status = 0;
	waitpid(pid, &status, 0);
	return status;
}

/* the line of the BUG below, which the message must name */
static const int bug_line = __LINE__ + 3;
static void call_bug(void)
{
	BUG("the queue holds %d jobs", -1);
}

TEST(test_bug_aborts_with_file_line)
{
	char err[512];
	int st = in_child(call_bug, err, sizeof(err));
	CHECK(WIFSIGNALED(st));
	CHECK_INT_EQ(WIFSIGNALED(st) ? WTERMSIG(st) : 0, SIGABRT);
	char want[128];
	snprintf(want, sizeof(want), "loa: BUG: tests/unit/test_bug.c:%d: the queue holds -1 jobs\n",
		 bug_line);
	CHECK_STR_EQ(err, want);
}

/* the line of the check below, which the message must name */
static const int check_line = __LINE__ + 3;
static void check_top(struct luavm *vm, int top)
{
	LUAVM_CHECK_TOP(vm, top);
}

static void unbalanced_stack(void)
{
	struct luavm *vm = NULL;
	struct diag_list d = DIAG_LIST_INIT;
	if (luavm_open(&vm, NULL, 0, &d) < 0)
		_exit(3);
	lua_State *L = luavm_state(vm);
	int top = lua_gettop(L);
	lua_pushinteger(L, 1); /* pushed and never popped */
	check_top(vm, top);
}

static void balanced_stack(void)
{
	struct luavm *vm = NULL;
	struct diag_list d = DIAG_LIST_INIT;
	if (luavm_open(&vm, NULL, 0, &d) < 0)
		_exit(3);
	lua_State *L = luavm_state(vm);
	int top = lua_gettop(L);
	lua_pushinteger(L, 1);
	lua_pop(L, 1);
	check_top(vm, top);
	luavm_close(vm);
}

TEST(test_lua_stack_check)
{
	char err[512];
	int st = in_child(unbalanced_stack, err, sizeof(err));
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
	char want[128];
	snprintf(want, sizeof(want), "loa: BUG: tests/unit/test_bug.c:%d: Lua stack at 1, expected 0\n",
		 check_line);
	CHECK_STR_EQ(err, want);
	/* a balanced function goes on */
	st = in_child(balanced_stack, err, sizeof(err));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK_STR_EQ(err, "");
}

int main(void)
{
	RUN(test_bug_aborts_with_file_line);
	RUN(test_lua_stack_check);
	return harness_report();
}
