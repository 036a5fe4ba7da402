// Every editor kind of the app registers itself when its module loads: one import line per
// kind of view (notebooks register in editor-registry.tsx), so each view's registration
// stays in its own file and the shell imports this once.
import './editor-registry';
import '../runs/register-runs-editors';
import '../compare/compare-editor';
import '../inspect/register-editors';
