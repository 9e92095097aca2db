# model: a classifier sent as data (never as code), run on windows of accelerometer samples.
# The data format, the integer feature rules and the limits are docs/ai.md; the host side is
# kitbridge.ai. Verbs:
#   model                  -> 'KIND LABELS FEATURES WINDOW HZ RUNNING' or 'none'
#   model begin | add WORDS... | end   receive model data in chunks (kept in a file, not in
#                          RAM); end checks it, stores it in kb_model.txt (kept over a reboot)
#                          and answers as 'model'
#   model predict V,V,...  -> the label for these feature values (tests host/board agreement)
#   model in V,V,...       hold the first values of a row too long for one line (a micro:bit
#                          v1's line is 32 bytes): the next 'model predict' puts them first
#   model run [LABEL|-]    predict on each window of samples: event 'model LABEL'; the LED is
#                          lit while LABEL (default: the model's own) is predicted
#   model stop             (reset and the deadman stop it too)
#   model clear            forget the stored model
# Parsing, prediction and features are kb_d_model_core.py (no hardware: it also runs alone).
from kb_d_model_core import features, parse, predict

FILE = 'kb_model.txt'
NEW = 'kb_model.new'  # the data being received: checked from here, then copied to FILE
MAXW = 3000  # words of model data: about 12 KB once parsed
M = []  # the model: [kind, hz, win, scl, sda, out, labels, feats, body (list of ints)]
T = []  # since 'model begin': words received, the file NEW open for writing
X = []  # values held by 'model in', for the next 'model predict'
R = [None, [], 0, 0, -1]  # while running: agent, samples, t0, samples taken, LED label index


def run(ag, v, a):
    w = a[0] if a else ''
    if w == 'begin':
        shut()
        T[:] = [0, open(NEW, 'w')]
        return
    if w in ('add', 'end') and not T:
        raise ValueError('E_ARG', 'model begin first')
    if w == 'add':
        T[0] += len(a) - 1
        if T[0] > MAXW:
            shut()
            raise ValueError('E_RANGE', 'model data over %d words' % MAXW)
        try:
            T[1].write(' '.join(a[1:]) + '\n')
        except OSError:
            shut()
            raise ValueError('E_RANGE', 'no room in flash for the model data')
        return
    if w == 'end':
        # a micro:bit v1 has no room for a k-NN's data as strings: it is read back a line at a time
        shut()
        f = open(NEW)
        try:
            m = parse(lines(f))  # raises on bad data: the stored model stays as it was
            f.close()
            f, g = open(NEW), open(FILE, 'w')
            for s in lines(f):
                g.write(s)
            g.close()
        finally:
            f.close()
            import os
            os.remove(NEW)
        stop(ag)
        M[:] = m
    elif w == 'clear':
        stop(ag)
        M[:] = []
        try:
            import os
            os.remove(FILE)
        except (ImportError, OSError):
            pass
        return
    elif w == 'stop':
        stop(ag)
        return
    elif w not in ('', 'in', 'predict', 'run'):
        raise ValueError('E_ARG', 'model begin|add|end|in|predict|run|stop|clear')
    if not M and not load():
        if w:
            raise ValueError('E_DEVICE', 'no model stored: send one with model.to_board(board)')
        return 'none'
    if w in ('in', 'predict'):
        x = X[:]
        X[:] = []  # a bad or complete row leaves nothing held
        try:
            x.extend([int(s) for s in a[1].split(',')])
        except (IndexError, ValueError):
            raise ValueError('E_ARG', 'model %s V,V,...: whole numbers' % w)
        if len(x) > len(M[7]) or w == 'predict' and len(x) < len(M[7]):
            raise ValueError('E_ARG', 'the model takes %d features' % len(M[7]))
        if w == 'in':
            X[:] = x
            return
        return M[6][predict(M, x)]
    if w == 'run':
        o = a[1] if len(a) > 1 else None
        if o is not None and o != '-' and o not in M[6]:
            raise ValueError('E_ARG', 'no label ' + o)
        stop(ag)
        R[0], R[1], R[2], R[3] = ag, [], ag.h.ticks(), 0
        R[4] = M[5] if o is None else M[6].index(o) if o != '-' else -1
        ag.polls.append(poll)
        ag.stops.append(off)
    return '%s %d %d %d %d %d' % (M[0], len(M[6]), len(M[7]), M[2], M[1], R[0] is not None)


def load():
    # the stored model, if any, into M; a damaged file is no model
    try:
        f = open(FILE)
    except OSError:
        return False
    try:
        M[:] = parse(lines(f))
    except (ValueError, RuntimeError):
        # RuntimeError: at power-on a micro:bit v1 is near its C stack's limit; the host can
        # still ask for the model later, and a boot that raised would stop the agent for good
        return False
    finally:
        f.close()
    return True


def lines(f):
    # the file's lines, one at a time (1.9.2's files are not iterable)
    while True:
        s = f.readline()
        if not s:
            return
        yield s


def shut():
    # stop receiving: close the file the data went to
    if T:
        T[1].close()
        T[:] = []


def poll(t):
    ag = R[0]
    if ag is None:
        return
    h = ag.h
    hz, win = M[1], M[2]
    if h.diff(t, R[2] + R[3] * 1000 // hz) > 500:
        R[1], R[2], R[3] = [], t, 0  # half a second behind: start a fresh window
    if h.diff(t, R[2] + R[3] * 1000 // hz) < 0:
        return
    import kb_d_accel
    try:
        R[1].append(kb_d_accel.xyz(ag, [M[3], M[4]] if M[3] >= 0 else []))
    except ValueError:
        ag.event('warn E_DEVICE model: no accelerometer')
        stop(ag)
        return
    R[3] += 1
    if len(R[1]) >= win:
        f = features(R[1])
        R[1] = []
        c = predict(M, [f[i] for i in M[7]])
        if R[4] >= 0:
            h.led(1 if c == R[4] else 0)
        ag.event('model ' + M[6][c])


def off():
    R[0] = None


def stop(ag):
    if R[0] is not None and R[4] >= 0:
        ag.h.led(0)
    R[0] = None
    ag.polls = [f for f in ag.polls if f != poll]
    ag.stops = [f for f in ag.stops if f != off]


def boot(ag):
    # for main.py, after the 'boot' event: run a stored model with no host (docs/ai.md)
    if load():
        run(ag, 'model', ['run'])
