(function(){
  var d=document,tbody=d.getElementById('rows');
  if(!tbody){return;}
  var rows=[].slice.call(tbody.querySelectorAll('tr.f'));
  var details=rows.map(function(r){return r.nextElementSibling;});
  var text=rows.map(function(r){return r.textContent.toLowerCase();});
  var SELECTS=['duty','region','rule','account'];
  var DEFAULTS={q:'',sev:'critical,high,medium,low,info',st:'fail,unknown,waived',duty:'',region:'',rule:'',account:'',sort:'sev',dir:'desc'};
  var state={};
  function copy(s){var c={};for(var k in DEFAULTS){c[k]=s[k];}return c;}
  function fromFragment(){
    var s=copy(DEFAULTS),h=location.hash.replace(/^#/,'');
    h.split('&').forEach(function(pair){
      var i=pair.indexOf('=');if(i<1){return;}
      var k=decodeURIComponent(pair.slice(0,i)),v=decodeURIComponent(pair.slice(i+1));
      if(Object.prototype.hasOwnProperty.call(DEFAULTS,k)){s[k]=v;}
    });
    return s;
  }
  function toFragment(s){
    var out=[];
    for(var k in DEFAULTS){if(s[k]!==DEFAULTS[k]){out.push(k+'='+encodeURIComponent(s[k]));}}
    return out.length?'#'+out.join('&'):'#findings';
  }
  function boxes(name){return [].slice.call(d.querySelectorAll('input[name="'+name+'"]'));}
  function checkedOf(name){return boxes(name).filter(function(b){return b.checked;}).map(function(b){return b.value;}).join(',');}
  function showState(s){
    d.getElementById('q').value=s.q;d.getElementById('q').setAttribute('value',s.q);
    ['sev','st'].forEach(function(name){
      var on=s[name].split(',');
      boxes(name).forEach(function(b){b.checked=on.indexOf(b.value)>=0;if(b.checked){b.setAttribute('checked','');}else{b.removeAttribute('checked');}});
    });
    SELECTS.forEach(function(k){
      var e=d.getElementById(k);e.value=s[k];
      if(e.value!==s[k]){e.value='';s[k]='';}
      [].forEach.call(e.options,function(o){if(o.value===s[k]){o.setAttribute('selected','');}else{o.removeAttribute('selected');}});
    });
    [].forEach.call(d.querySelectorAll('button.sort'),function(b){
      if(b.getAttribute('data-key')===s.sort){b.setAttribute('data-dir',s.dir);}else{b.removeAttribute('data-dir');}
    });
  }
  function readState(){
    var s=copy(state);s.q=d.getElementById('q').value;s.sev=checkedOf('sev');s.st=checkedOf('st');
    SELECTS.forEach(function(k){s[k]=d.getElementById(k).value;});
    return s;
  }
  function key(i,k){
    var r=rows[i];
    if(k==='sev'){return +r.getAttribute('data-sevn');}
    if(k==='st'){return -(+r.getAttribute('data-stn'));}
    var col={title:2,resource:3,region:4,message:5}[k];
    return r.cells[col].textContent.toLowerCase();
  }
  function order(s){
    var idx=rows.map(function(_,i){return i;}),keys=idx.map(function(i){return key(i,s.sort);}),sign=s.dir==='asc'?1:-1;
    idx.sort(function(a,b){
      var x=keys[a],y=keys[b];
      if(x<y){return -sign;}if(x>y){return sign;}
      return a-b;
    });
    var frag=d.createDocumentFragment();
    idx.forEach(function(i){frag.appendChild(rows[i]);frag.appendChild(details[i]);});
    tbody.appendChild(frag);
  }
  function apply(s,sorted){
    state=s;showState(s);
    var sev=s.sev.split(','),st=s.st.split(','),q=s.q.toLowerCase().trim(),shown=0;
    rows.forEach(function(r,i){
      var ok=sev.indexOf(r.getAttribute('data-sev'))>=0&&st.indexOf(r.getAttribute('data-st'))>=0
        &&SELECTS.every(function(k){return s[k]===''||r.getAttribute('data-'+k)===s[k];})
        &&(q===''||text[i].indexOf(q)>=0);
      r.hidden=!ok;if(!ok){details[i].hidden=true;r.classList.remove('open');}
      if(ok){shown++;}
    });
    if(!sorted){order(s);}
    d.getElementById('shown').textContent=shown;
    d.getElementById('total').textContent=rows.length;
    d.body.setAttribute('data-shown',shown);
    d.body.setAttribute('data-view',toFragment(s));
  }
  function commit(){
    var s=readState(),resort=s.sort!==state.sort||s.dir!==state.dir;
    apply(s,!resort);
    history.replaceState(null,'',toFragment(s));
  }
  function open(r){
    var i=rows.indexOf(r),detail=details[i];if(i<0){return;}
    detail.hidden=!detail.hidden;r.classList.toggle('open',!detail.hidden);
    var doc=detail.querySelector('.doc');
    if(!detail.hidden&&doc&&!doc.hasChildNodes()){
      var t=d.getElementById('doc-'+r.getAttribute('data-rule'));
      if(t){doc.appendChild(t.content.cloneNode(true));}
    }
  }
  tbody.addEventListener('click',function(e){
    if(e.target.closest('a')){return;}
    var r=e.target.closest('tr.f');if(r){open(r);}
  });
  tbody.addEventListener('keydown',function(e){
    var r=e.target.closest('tr.f');if(r&&(e.key==='Enter'||e.key===' ')){e.preventDefault();open(r);}
  });
  [].forEach.call(d.querySelectorAll('.filters input[type=checkbox],#duty,#region,#rule,#account'),function(e){e.addEventListener('change',commit);});
  var typing;
  d.getElementById('q').addEventListener('input',function(){clearTimeout(typing);typing=setTimeout(commit,150);});
  [].forEach.call(d.querySelectorAll('button.sort'),function(b){
    b.addEventListener('click',function(){
      var k=b.getAttribute('data-key'),s=readState();
      s.dir=(s.sort===k&&s.dir==='desc')?'asc':(s.sort===k?'desc':(k==='sev'||k==='st'?'desc':'asc'));
      s.sort=k;apply(s,false);history.replaceState(null,'',toFragment(s));
    });
  });
  d.getElementById('reset').addEventListener('click',function(e){e.preventDefault();apply(copy(DEFAULTS),false);history.replaceState(null,'','#findings');});
  window.addEventListener('hashchange',function(){
    var s=fromFragment();apply(s,false);
    if(location.hash.indexOf('=')>0){d.getElementById('findings').scrollIntoView();}
  });
  var framework=d.getElementById('framework');
  function showFramework(){
    [].forEach.call(d.querySelectorAll('section.framework'),function(s){s.hidden=s.getAttribute('data-framework')!==framework.value;});
  }
  if(framework){framework.addEventListener('change',showFramework);showFramework();}
  var start=performance.now();
  apply(fromFragment(),false);
  d.body.setAttribute('data-ready-ms',Math.round(performance.now()));
  d.body.setAttribute('data-apply-ms',Math.round(performance.now()-start));
})();
