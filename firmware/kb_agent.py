# The agent: request lines in, HAL calls, answers and events out (docs/protocol.md).
# It never evals host text. Sized for a 9.5 KB heap: every name and string here costs RAM.
import kb_board as B

FW = '0.1.0'
SYS = ('hello', 'ping', 'deadman', 'reset', 'reboot')


class Err(Exception):
    # Err(code, message) is answered as 'err CODE message'
    pass


def num(a, i, lo, hi, what):
    # word i of a, a whole number in lo..hi
    try:
        v = int(a[i])
    except (IndexError, ValueError):
        raise Err('E_ARG', what + ': give a whole number')
    if v < lo or v > hi:
        raise Err('E_RANGE', '%s %d out of range %d..%d' % (what, v, lo, hi))
    return v


def ck(s):
    # Fletcher-16 as 4 hex digits; '' when a character is not printable ASCII
    a = b = 0
    for c in s:
        c = ord(c)
        if c < 32 or c > 126:
            return ''
        a = (a + c) % 255
        b = (b + a) % 255
    return '%04x' % (b * 256 + a)


class Agent:
    def __init__(self, hal):
        self.h = hal
        self.buf = b''
        self.seq = self.dm = self.boot = 0
        self.last = self.scan = hal.ticks()
        self.btn = {}
        self.polls = []

    def feed(self, d):
        b = (self.buf + d).replace(b'\r', b'\n')
        while b'\n' in b:
            ln, b = b.split(b'\n', 1)
            if ln:
                self.handle(ln)
        if len(b) > B.LINE:
            b = b''
            self.say(None, 'err E_LONG line over %d bytes' % B.LINE)
        self.buf = b

    def handle(self, ln):
        try:
            s = str(ln, 'ascii')
        except Exception:
            s = '\0'
        f = s[-6:-4] == ' *'
        if f:
            c = s[-4:]
            s = s[:-6]
        k = ck(s)
        w = s.split()
        rid = w.pop(0) if f and w and w[0].isdigit() else None
        if not k or not w:
            return self.say(rid, 'err E_FRAME not a command')
        if f and k != c:
            return self.say(rid, 'err E_CHECK checksum mismatch, not run')
        self.last = self.h.ticks()
        v = w[0]
        m = 'kb_sys' if v in SYS else 'kb_d_' + v
        try:
            try:
                d = __import__(m) if v.isalpha() else 0
            except ImportError as x:
                if m not in str(x):
                    raise
                d = 0
            if not d:
                raise Err('E_VERB', 'unknown command ' + v)
            r = d.run(self, v, w[1:])
            self.say(rid, 'ok ' + r if r else 'ok')
        except Err as x:
            self.say(rid, 'err %s %s' % x.args)
        except MemoryError:
            self.say(rid, 'err E_MEM out of memory')
        except Exception as x:
            self.say(rid, 'err E_INTERNAL %s %s' % (v, repr(x)))

    def say(self, rid, t):
        if rid is None:
            self.h.write(t + '\n')
        else:
            self.frame('@' + rid, t)

    def frame(self, head, t):
        s = head + ' ' + t
        self.h.write(s + ' *' + ck(s) + '\n')

    def event(self, t):
        self.seq = self.seq % 65535 + 1
        self.frame('@!%d %d' % (self.seq, self.h.ticks() & 0xffffff), t)

    def poll(self):
        h = self.h
        t = h.ticks()
        if self.dm and self.last is not None and h.diff(t, self.last) > self.dm:
            self.last = None
            h.safe()
            self.event('deadman %d' % self.dm)
        if h.diff(t, self.scan) >= 20:
            self.scan = t
            for b in B.BTN:
                v = h.button(b)
                if b in self.btn and v != self.btn[b]:
                    self.event('button %s %s' % (b, 'down' if v else 'up'))
                self.btn[b] = v
        for f in self.polls:
            f(t)
        if self.boot:
            h.reboot()
