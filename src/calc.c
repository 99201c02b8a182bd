/*
 * 64-bit integer arithmetic for `calc` and `set /a`.
 *
 * Unlike grub4dos (strictly left to right, no parentheses) this evaluates with
 * C precedence and parentheses, so 1+2*3 is 7: what anyone reading a script
 * expects. Operands are numbers (decimal, 0x hex, with k/m/g/t suffixes) or
 * variable names. Arithmetic wraps at 64 bits; division by zero is an error.
 * The grub4dos *ADDR memory forms read only the addresses mapboot emulates
 * (bios_addr_read: *0x8278, the version date; *0x834c, the screen width);
 * the rest are BIOS memory and
 * refused with -ENOTSUP. Assigning to one (*ADDR=) is refused too: a boot
 * shell should not poke memory from a typo.
 */
#include "shell.h"

struct calc {
    const char *p;
    int rc;
    int depth;
};

#define CALC_DEPTH_MAX 64

static long long parse_expr(struct calc *c, int min_prec);

static void skip_ws(struct calc *c)
{
    while (is_space((unsigned char)*c->p))
        c->p++;
}

static long long fail(struct calc *c, int rc)
{
    if (!c->rc)
        c->rc = rc;
    return 0;
}

static long long parse_number(struct calc *c)
{
    char *end;
    unsigned long long v;
    const char *s = c->p;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        v = strtoull(s, &end, 16);
    else
        v = strtoull(s, &end, 10);
    if (end == s)
        return fail(c, -EINVAL);
    switch (*end) {
    case 'k': case 'K': v <<= 10; end++; break;
    case 'm': case 'M': v <<= 20; end++; break;
    case 'g': case 'G': v <<= 30; end++; break;
    case 't': case 'T': v <<= 40; end++; break;
    default: break;
    }
    if (is_alnum((unsigned char)*end) || *end == '_')
        return fail(c, -EINVAL);
    c->p = end;
    return (long long)v;
}

static long long var_value(struct calc *c, const char *name)
{
    const char *v = var_get(name);
    long long n;
    if (!v || !*v)
        return 0;
    if (parse_num(v, &n))
        return fail(c, -EINVAL);
    return n;
}

static long long parse_unary(struct calc *c)
{
    long long v;
    skip_ws(c);
    if (++c->depth > CALC_DEPTH_MAX)
        return fail(c, -ELOOP);
    switch (*c->p) {
    case '-':
        c->p++;
        v = (long long)(0 - (unsigned long long)parse_unary(c));
        break;
    case '+':
        c->p++;
        v = parse_unary(c);
        break;
    case '~':
        c->p++;
        v = ~parse_unary(c);
        break;
    case '!':
        c->p++;
        v = !parse_unary(c);
        break;
    case '(':
        c->p++;
        v = parse_expr(c, 0);
        skip_ws(c);
        if (*c->p != ')')
            v = fail(c, -EINVAL);
        else
            c->p++;
        break;
    case '*': {
        unsigned long long value;
        c->p++;
        v = parse_unary(c);
        skip_ws(c);
        if (c->rc)
            break;
        if (*c->p == '=' && c->p[1] != '=')
            v = fail(c, -ENOTSUP);
        else if (bios_addr_read((unsigned long long)v, &value) != 0)
            v = fail(c, -ENOTSUP);
        else
            v = (long long)value;
        break;
    }
    default:
        if (is_digit((unsigned char)*c->p)) {
            v = parse_number(c);
        } else if (is_alpha((unsigned char)*c->p) || *c->p == '_') {
            char name[VAR_NAME_MAX + 1];
            size_t n = 0;
            while (is_alnum((unsigned char)c->p[n]) || c->p[n] == '_')
                n++;
            if (n > VAR_NAME_MAX) {
                v = fail(c, -ENAMETOOLONG);
                break;
            }
            memcpy(name, c->p, n);
            name[n] = 0;
            c->p += n;
            v = var_value(c, name);
        } else {
            v = fail(c, -EINVAL);
        }
        break;
    }
    c->depth--;
    return v;
}

/* Binary operators, longest spelling first, with C precedence. */
static const struct binop {
    const char *op;
    int prec;
} binops[] = {
    { "||", 1 }, { "&&", 2 }, { "<<", 9 }, { ">>", 9 }, { "==", 6 }, { "!=", 6 },
    { "<=", 7 }, { ">=", 7 }, { "|", 3 }, { "^", 4 }, { "&", 5 }, { "<", 7 },
    { ">", 7 }, { "+", 10 }, { "-", 10 }, { "*", 11 }, { "/", 11 }, { "%", 11 },
};

static const struct binop *peek_op(struct calc *c)
{
    skip_ws(c);
    for (size_t i = 0; i < ARRAY_SIZE(binops); i++) {
        size_t n = strlen8(binops[i].op);
        if (strncmp8(c->p, binops[i].op, n) == 0) {
            /* "a = b" is assignment, handled above us; "==" is not "=" */
            if (c->p[n] == '=' && n == 1 && binops[i].op[0] != '<' && binops[i].op[0] != '>')
                return NULL;
            return &binops[i];
        }
    }
    return NULL;
}

static long long apply(struct calc *c, const char *op, long long a, long long b)
{
    unsigned long long ua = (unsigned long long)a, ub = (unsigned long long)b;
    switch (op[0]) {
    case '+': return (long long)(ua + ub);
    case '-': return (long long)(ua - ub);
    case '*': return (long long)(ua * ub);
    case '/':
    case '%':
        if (b == 0)
            return fail(c, -EDOM);
        if (a == (-0x7FFFFFFFFFFFFFFFLL - 1) && b == -1)
            return op[0] == '/' ? a : 0;
        return op[0] == '/' ? a / b : a % b;
    case '<':
        if (op[1] == '<')
            return (long long)(ua << (ub & 63));
        return op[1] == '=' ? a <= b : a < b;
    case '>':
        if (op[1] == '>')
            return a >> (ub & 63); /* arithmetic shift, as in grub4dos' signed calc */
        return op[1] == '=' ? a >= b : a > b;
    case '=': return a == b;
    case '!': return a != b;
    case '&': return op[1] == '&' ? (a && b) : (long long)(ua & ub);
    case '|': return op[1] == '|' ? (a || b) : (long long)(ua | ub);
    case '^': return (long long)(ua ^ ub);
    default: return fail(c, -EINVAL);
    }
}

static long long parse_expr(struct calc *c, int min_prec)
{
    long long lhs = parse_unary(c);
    const struct binop *op;
    while (!c->rc && (op = peek_op(c)) && op->prec >= min_prec) {
        long long rhs;
        c->p += strlen8(op->op);
        rhs = parse_expr(c, op->prec + 1);
        if (c->rc)
            break;
        lhs = apply(c, op->op, lhs, rhs);
    }
    return lhs;
}

int calc_eval(const char *expr, long long *out)
{
    struct calc c = { expr, 0, 0 };
    const char *p = expr, *name_end;
    char name[VAR_NAME_MAX + 1];
    char op[3] = "";
    bool assign = false;
    long long v;

    /* NAME = EXPR or NAME op= EXPR */
    while (is_space((unsigned char)*p))
        p++;
    name_end = p;
    while (is_alnum((unsigned char)*name_end) || *name_end == '_')
        name_end++;
    if (name_end > p && !is_digit((unsigned char)*p)) {
        const char *q = name_end;
        while (is_space((unsigned char)*q))
            q++;
        if (q[0] == '=' && q[1] != '=') {
            c.p = q + 1;
        } else if (q[0] && q[1] == '=' && strchr8("+-*/%&|^", q[0])) {
            op[0] = q[0];
            c.p = q + 2;
        } else if ((q[0] == '<' || q[0] == '>') && q[1] == q[0] && q[2] == '=') {
            op[0] = op[1] = q[0];
            c.p = q + 3;
        }
        if (c.p != expr) {
            assign = true;
            if ((size_t)(name_end - p) > VAR_NAME_MAX)
                return -ENAMETOOLONG;
            memcpy(name, p, (size_t)(name_end - p));
            name[name_end - p] = 0;
        }
    }
    v = parse_expr(&c, 0);
    skip_ws(&c);
    if (!c.rc && *c.p)
        c.rc = -EINVAL;
    if (c.rc)
        return c.rc;
    if (assign) {
        char buf[24];
        int rc;
        if (op[0]) {
            v = apply(&c, op, var_value(&c, name), v);
            if (c.rc)
                return c.rc;
        }
        snprintf(buf, sizeof(buf), "%lld", v);
        rc = var_set(name, buf);
        if (rc)
            return rc;
    }
    *out = v;
    return 0;
}

const char *calc_strerror(int rc)
{
    if (rc == -ENOTSUP)
        return "BIOS-only: *ADDR is grub4dos' BIOS memory (mapboot emulates *0x8278, the "
               "version date, and *0x834c, the screen width)";
    return err_str(rc);
}
