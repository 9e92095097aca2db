# model: a classifier sent as data (never as code), run on windows of accelerometer samples.
# The data format, the integer feature rules and the limits are docs/ai.md; the host side is
# kitbridge.ai. Verbs:
#   model                  -> 'KIND LABELS FEATURES WINDOW HZ RUNNING' or 'none'
#   model begin | add WORDS... | end   receive model data in chunks; end checks it, stores it
#                          in kb_model.txt (kept over a reboot) and answers as 'model'
#   model predict V,V,...  -> the label for these feature values (tests host/board agreement)
#   model run [LABEL|-]    predict on each window of samples: event 'model LABEL'; the LED is
#                          lit while LABEL (default: the model's own) is predicted
#   model stop             (reset and the deadman stop it too)
#   model clear            forget the stored model
# Parsing, prediction and features are kb_d_model_core.py (no hardware: it also runs alone).
from kb_d_model_core import features, parse, predict

FILE = 'kb_model.txt'
MAXW = 3000  # words of model data: about 12 KB once parsed
M = []  # the model: [kind, hz, win, scl, sda, out, labels, feats, body (list of ints)]
T = []  # since 'model begin': words received, then the chunks
R = [None, [], 0, 0, -1]  # while running: agent, samples, t0, samples taken, LED label index


def run(ag, v, a):
    w = a[0] if a else ''
    if w == 'begin':
        T[:] = [0]
        return
    if w == 'add':
        if not T:
            raise ValueError('E_ARG', 'model begin first')
        T[0] += len(a) - 1
        if T[0] > MAXW:
            T[:] = []
            raise ValueError('E_RANGE', 'model data over %d words' % MAXW)
        T.append(' '.join(a[1:]))
        return
    if w == 'end':
        c = T[1:]
        T[:] = []
        m = parse(c)  # raises on bad data: the stored model stays as it was
        f = open(FILE, 'w')
        for s in c:
            f.write(s + '\n')
        f.close()
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
    elif w not in ('', 'predict', 'run'):
        raise ValueError('E_ARG', 'model begin|add|end|predict|run|stop|clear')
    if not M and not load():
        if w:
            raise ValueError('E_DEVICE', 'no model stored: send one with model.to_board(board)')
        return 'none'
    if w == 'predict':
        try:
            x = [int(s) for s in a[1].split(',')]
        except (IndexError, ValueError):
            raise ValueError('E_ARG', 'model predict V,V,...: whole numbers')
        if len(x) != len(M[7]):
            raise ValueError('E_ARG', 'the model takes %d features' % len(M[7]))
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
    c = []
    while True:
        s = f.readline()
        if not s:
            break
        c.append(s.strip())
    f.close()
    try:
        M[:] = parse(c)
    except ValueError:
        return False
    return True


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
