# The agent: request lines in, HAL calls, answers and events out (docs/protocol.md).
# It never evals host text. Sized for a 9.5 KB heap: every name and string here costs RAM.
import kb_board as B

FW = '0.1.0'
SYS = ('hello', 'ping', 'deadman', 'reset', 'reboot', 'pin', 'led', 'button')


# raise Err(code, message) in a verb: answered as 'err CODE message' (a class would cost RAM)
Err = ValueError


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
        self.seq = self.dm = self.boot = self.skip = 0
        self.last = self.scan = hal.ticks()
        self.btn = {}
        self.polls = []
        self.stops = []

    def feed(self, d):
        b = (self.buf + d).replace(b'\r', b'\n')
        while b'\n' in b:
            ln, b = b.split(b'\n', 1)
            if self.skip:
                self.skip = 0
            elif len(ln) > B.LINE:
                self.out(None, 'err E_LONG line over %d bytes' % B.LINE)
            elif ln:
                self.out(*self.handle(ln))
        if len(b) > B.LINE:
            # refuse the whole line, however the UART cut it: skip up to its end
            if not self.skip:
                self.out(None, 'err E_LONG line over %d bytes' % B.LINE)
            b = b''
            self.skip = 1
        self.buf = b

    def handle(self, ln):
        # -> (reply head, or None when a person typed the line; answer text)
        try:
            s = str(ln, 'ascii')
        except Exception:
            s = '\0'
        f = s[-6:-4] == ' *'
        c = s[-4:]
        if f:
            s = s[:-6]
        w = s.split()
        r = '@' + w.pop(0) if f and w and w[0].isdigit() else None
        k = ck(s)
        if not k or not w:
            return r, 'err E_FRAME not a command'
        if f and k != c:
            return r, 'err E_CHECK bad checksum, not run'
        self.last = self.h.ticks()
        v = w[0]
        d = 0
        try:
            # drivers are imported on first use; a micro:bit v1 pays only for what it uses
            d = v.isalpha() and __import__('kb_sys' if v in SYS else 'kb_d_' + v)
            if not d:
                raise ImportError
            t = d.run(self, v, w[1:])
            return r, 'ok ' + t if t else 'ok'
        except Exception as x:
            if not d and isinstance(x, ImportError):
                return r, 'err E_VERB unknown command ' + v
            a = x.args
            if isinstance(x, ValueError):
                if len(a) == 2 and str(a[0])[:2] == 'E_':
                    return r, 'err %s %s' % a
                return r, 'err E_ARG ' + repr(x)[:60]
            return r, 'err %s %s' % ('E_MEM' if isinstance(x, MemoryError) else 'E_INTERNAL', repr(x)[:60])

    def safe(self):
        # outputs off: drivers' stops (strips, tones), then every pin; periodic work ends too
        for f in self.stops:
            f()
        self.polls = []
        self.stops = []
        self.h.safe()

    def out(self, head, t):
        if head is None:
            self.h.write(t + '\n')
        else:
            t = head + ' ' + t
            self.h.write(t + ' *' + ck(t) + '\n')

    def event(self, t):
        self.seq = self.seq % 65535 + 1
        self.out('@!%d %d' % (self.seq, self.h.ticks() & 0xffffff), t)

    def poll(self):
        h = self.h
        t = h.ticks()
        if self.dm and self.last is not None and h.diff(t, self.last) > self.dm:
            self.last = None
            self.safe()
            self.event('deadman %d' % self.dm)
        if h.diff(t, self.scan) >= 20:
            self.scan = t
            for b in B.BTN:
                v = h.button(b)
                if v != self.btn.get(b, False):
                    self.event('button %s %s' % (b, 'down' if v else 'up'))
                self.btn[b] = v
        for f in self.polls:
            f(t)
        if self.boot:
            h.reboot()
